"""Who is acting and what they may do on an audit: every audit service starts here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max

from core.freezing import RecordFrozen
from core.identifiers import identifier_numbers_take
from core.registers.members import acting_membership
from core.roles import Capability
from core.types import Actor
from organizations.models import Membership, Organization

from .. import selectors
from ..models import (
    CLOSED_AUDIT,
    Audit,
    AuditStatus,
)


def audit_membership(organization: Organization, actor: Actor) -> Membership:
    return acting_membership(organization, actor, records="audits")


def require_capability(membership: Membership, capability: Capability, message: str) -> None:
    if not membership.can(capability):
        raise PermissionDenied(message)


def can_record_results(membership: Membership, audit: Audit) -> bool:
    """Auditors record results only on the audits they are assigned to (lead or team);
    officers and administrators, who run the programme, on any audit (decision 13 says why)."""
    if not membership.can(Capability.RECORD_AUDIT_RESULTS):
        return False
    return membership.can(Capability.EDIT_ANY) or membership.user_id in selectors.audit_team_ids(audit)


def require_recorder(audit: Audit, actor: Actor) -> Membership:
    membership = audit_membership(audit.organization, actor)
    if not can_record_results(membership, audit):
        raise PermissionDenied(
            "Only the auditors assigned to this audit and compliance officers record its results."
        )
    return membership


def refuse_if_closed(audit: Audit) -> None:
    if Audit._base_manager.filter(pk=audit.pk, status=AuditStatus.CLOSED).exists():
        raise RecordFrozen(CLOSED_AUDIT)


def next_number(model, organization: Organization) -> int:
    """Take the record's next number (AUD-n, F-n, CA-n, MR-n): never one a deleted record held
    (``core.identifiers``, decision 10), never below the highest the register holds."""
    highest = model._base_manager.filter(organization=organization).aggregate(n=Max("number"))["n"] or 0
    return identifier_numbers_take(organization=organization, kind=model._meta.label_lower, at_least=highest)
