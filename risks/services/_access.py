"""Who is acting, and what they may do: every service starts here. The
answers come from ``core.roles`` through the membership (the acting
membership and the members themselves: ``core.registers.members``)."""

from django.core.exceptions import PermissionDenied

from core.registers.members import acting_membership as _acting_membership
from core.roles import Capability
from core.types import Actor
from organizations.models import Membership, Organization


def acting_membership(organization: Organization, actor: Actor) -> Membership:
    return _acting_membership(organization, actor, records="risks")


def ensure_can_create(membership: Membership, what: str = "risks") -> None:
    if not membership.can_create:
        raise PermissionDenied(f"Your role in this organization does not allow recording {what}.")


def ensure_can_edit(membership: Membership, obj, what: str = "risks") -> None:
    if not membership.can_edit(obj):
        raise PermissionDenied(f"You can change only the {what} you own.")


def ensure_can(membership: Membership, capability: Capability, message: str) -> None:
    if not membership.can(capability):
        raise PermissionDenied(message)
