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
