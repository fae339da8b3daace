"""Who is acting, and who may be named: every service of a register starts here.

The organization's memberships are reached through ``organization.memberships``
(the reverse relation of ``organizations.Membership``), so that the kernel
needs no import of the tenant app.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.types import Actor


def acting_membership(organization, actor: Actor, *, records: str = "records"):
    """The actor's membership of ``organization``; ``PermissionDenied`` for anyone else.

    ``records`` names what the refused actor wanted to change ("assets", "risks").
    """
    membership = (
        organization.memberships.filter(user=actor).select_related("user").first()
        if actor is not None and getattr(actor, "pk", None) is not None
        else None
    )
    if membership is None:
        raise PermissionDenied(f"Only members of the organization change its {records}.")
    return membership


def member_ids(organization) -> set[int]:
    """The ids of the organization's members (one query)."""
    return set(organization.memberships.values_list("user_id", flat=True))


def member_users(organization) -> QuerySet:
    """The organization's members as users, for owner pickers, sorted by name."""
    return (
        get_user_model()
        .objects.filter(memberships__organization=organization)
        .order_by("first_name", "last_name", "username")
    )


def members_sorted(organization) -> list:
    """The organization's members as users, sorted by the name they are shown with."""
    memberships = organization.memberships.select_related("user")
    return sorted((m.user for m in memberships), key=lambda u: (u.display_name.lower(), u.username))


def members_by_handle(organization) -> dict[str, object]:
    """Members keyed by lower-case username and by lower-case email (when no
    two members share it): how imports and the API name an owner."""
    users = members_sorted(organization)
    handles = {u.username.lower(): u for u in users}
    emails: dict[str, list] = {}
    for user in users:
        if user.email:
            emails.setdefault(user.email.lower(), []).append(user)
    for email, owners in emails.items():
        if len(owners) == 1:
            handles.setdefault(email, owners[0])
    return handles


def member_label(user) -> str:
    """How a member is shown in pickers: "Alice Archer (alice)"."""
    return f"{user.display_name} ({user.username})"
