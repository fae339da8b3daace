"""Who is acting, and what they may do: every service starts here. The
answers come from ``core.roles`` through the membership."""

from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import Capability
from organizations.models import Membership, Organization


def acting_membership(organization: Organization, actor) -> Membership:
    membership = (
        Membership.objects.for_organization(organization).filter(user=actor).select_related("user").first()
        if actor is not None
        else None
    )
    if membership is None:
        raise PermissionDenied("Only members of the organization change its risks.")
    return membership


def ensure_can_create(membership: Membership, what: str = "risks") -> None:
    if not membership.can_create:
        raise PermissionDenied(f"Your role in this organization does not allow recording {what}.")


def ensure_can_edit(membership: Membership, obj, what: str = "risks") -> None:
    if not membership.can_edit(obj):
        raise PermissionDenied(f"You can change only the {what} you own.")


def ensure_can(membership: Membership, capability: Capability, message: str) -> None:
    if not membership.can(capability):
        raise PermissionDenied(message)


def member_ids(organization: Organization) -> set[int]:
    return set(Membership.objects.for_organization(organization).values_list("user_id", flat=True))


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


def merge_errors(*sources: dict) -> dict[str, list[str]]:
    """Several ``{field: message or [messages]}`` merged, in order, without repeats."""
    merged: dict[str, list[str]] = {}
    for source in sources:
        for name, messages in source.items():
            if isinstance(messages, str):
                messages = [messages]
            bucket = merged.setdefault(name, [])
            bucket.extend(m for m in messages if m not in bucket)
    return merged
