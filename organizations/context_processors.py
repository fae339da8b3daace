from .selectors import memberships_of


def organization(request):
    """The organization being worked in and the ones the user can switch to."""
    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": getattr(request, "membership", None),
        "switchable_memberships": memberships_of(getattr(request, "user", None))
        if getattr(request, "user", None) is not None
        else [],
    }
