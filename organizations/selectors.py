from django.db.models import Count, QuerySet
from django.http import Http404

from core.db import OneRowRead

from .models import Membership, Organization

#: A user's membership of the organization of a slug, with the organization: read by every
#: page and API request, by SQL built once (``core.db``).
_membership_by_slug = OneRowRead(Membership, related=("organization",), where=("organization__slug", "user"))


def membership_for(*, user, organization_slug: str) -> Membership:
    """The user's membership of the organization, or 404.

    This is how every page, endpoint and export reaches an organization: a
    non-member cannot tell an organization that exists from one that does not.
    """
    if not user.is_authenticated:
        raise Http404("No such organization")
    membership = _membership_by_slug(organization_slug, user.pk)
    if membership is None:
        raise Http404("No such organization")
    membership.user = user
    return membership


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
