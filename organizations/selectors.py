from django.db.models import Count, QuerySet
from django.http import Http404

from .models import Membership, Organization


def membership_for(*, user, organization_slug: str) -> Membership:
    """The user's membership of the organization, or 404.

    This is how every page, endpoint and export reaches an organization: a
    non-member cannot tell an organization that exists from one that does not.
    """
    if not user.is_authenticated:
        raise Http404("No such organization")
    try:
        return Membership.objects.select_related("organization", "user").get(
            organization__slug=organization_slug, user=user
        )
    except Membership.DoesNotExist:
        raise Http404("No such organization") from None


def memberships_of(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def organizations_of(user) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).annotate(member_count=Count("memberships"))


def members_of(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def member_activity(organization: Organization, *, limit: int = 100) -> list[dict]:
    """Changes to the organization's membership, newest first: who added,
    removed or re-roled whom, and when. Kept even after a member is removed."""
    records = list(
        Membership.history.filter(organization_id=organization.pk)
        .select_related("history_user", "user")
        .order_by("history_date", "history_id")
    )
    roles = dict(Membership._meta.get_field("role").choices)
    previous_role: dict[int, str] = {}
    activity = []
    for record in records:
        subject = record.user.display_name if record.user is not None else f"user #{record.user_id}"
        if record.history_type == "+":
            text = f"added {subject} as {roles.get(record.role, record.role)}"
        elif record.history_type == "-":
            text = f"removed {subject}"
        elif previous_role.get(record.id) != record.role:
            text = (
                f"changed {subject}'s role from {roles.get(previous_role.get(record.id), '—')} "
                f"to {roles.get(record.role, record.role)}"
            )
        else:
            continue
        previous_role[record.id] = record.role
        activity.append(
            {
                "when": record.history_date,
                "who": record.history_user.display_name if record.history_user else "System",
                "text": text,
            }
        )
    activity.reverse()
    return activity[:limit]
