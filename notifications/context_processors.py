from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request):
    """``unread_notifications``: the bell's count in the organization being worked in (lazy)."""
    organization = getattr(request, "organization", None)
    if organization is None or not getattr(request, "membership", None):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(organization, request.user))}
