"""Corrective actions on findings and actions of management reviews, and their verification."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.deletion import DeletionImpact, record_delete_with_impact
from core.registers.members import member_ids
from core.roles import Capability
from core.services import record_save
from core.types import Actor

from ..models import (
    ActionStatus,
    CorrectiveAction,
    Finding,
    FindingStatus,
    ManagementReview,
    Verification,
)
from .access import audit_membership, can_record_results, next_number, require_capability

#: Fields of a corrective action a service may set.
ACTION_WRITABLE_FIELDS = ("root_cause", "action", "owner", "due_date", "status")


def _action_errors(
    values: Mapping[str, Any], members: set[int], *, for_finding: bool
) -> dict[str, list[str]]:
    errors = {}
    if "owner" in values and (values["owner"] is None or values["owner"].pk not in members):
        errors["owner"] = ["The owner must be a member of the organization."]
    if "status" in values and values["status"] not in ActionStatus.values:
        errors["status"] = [f"Choose one of {', '.join(ActionStatus.values)}."]
    if "action" in values and not str(values["action"] or "").strip():
        errors["action"] = ["Say what will be done."]
    if for_finding and "root_cause" in values and not str(values["root_cause"] or "").strip():
        errors["root_cause"] = ["A corrective action starts from the root cause."]
    return errors


def _complete(action: CorrectiveAction, previous_status: str) -> None:
    if action.status == ActionStatus.DONE and previous_status != ActionStatus.DONE:
        action.completed_at = timezone.localdate()
    elif action.status != ActionStatus.DONE:
        action.completed_at = None


@transaction.atomic
def corrective_action_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    finding: Finding | None = None,
    review: ManagementReview | None = None,
) -> CorrectiveAction:
    """Add an action to a finding (officers, or the auditors who record the audit's results)
    or to a management review (officers)."""
    if (finding is None) == (review is None):
        raise ValidationError("An action belongs to one finding or to one management review.")
    organization = finding.organization if finding is not None else review.organization
    membership = audit_membership(organization, actor)
    if finding is not None:
        if not (membership.can(Capability.EDIT_ANY) or can_record_results(membership, finding.audit)):
            raise PermissionDenied(
                "Only compliance officers and the audit's auditors add corrective actions."
            )
        if finding.status == FindingStatus.CLOSED:
            raise ValidationError({"finding": ["This finding is closed."]})
    else:
        require_capability(
            membership, Capability.EDIT_ANY, "Only compliance officers and administrators add review actions."
        )
    values = {k: v for k, v in values.items() if k in ACTION_WRITABLE_FIELDS}
    required = ["action", "owner", "due_date"] + (["root_cause"] if finding is not None else [])
    errors = {name: ["This field is required."] for name in required if values.get(name) in (None, "")}
    errors.update(
        {
            k: v
            for k, v in _action_errors(
                values, member_ids(organization), for_finding=finding is not None
            ).items()
            if k not in errors
        }
    )
    if errors:
        raise ValidationError(errors)
    action = CorrectiveAction(
        organization=organization,
        finding=finding,
        review=review,
        number=next_number(CorrectiveAction, organization),
        **values,
    )
    _complete(action, ActionStatus.OPEN)
    return record_save(action, actor=actor, reason="Action added")


@transaction.atomic
def corrective_action_update(
    *, action: CorrectiveAction, actor: Actor, values: Mapping[str, Any]
) -> CorrectiveAction:
    """Change an action: officers change anything, its owner its progress. A verified
    effective action is settled: it no longer changes."""
    membership = audit_membership(action.organization, actor)
    if not membership.can_edit(action):
        raise PermissionDenied("Only compliance officers and the action's owner change it.")
    if action.verification_result == Verification.EFFECTIVE:
        raise ValidationError("This action is verified effective: it can no longer be changed.")
    values = {k: v for k, v in values.items() if k in ACTION_WRITABLE_FIELDS}
    if "owner" in values and not membership.can_assign_owner(values["owner"]):
        raise PermissionDenied("Only compliance officers give an action to someone else.")
    errors = _action_errors(
        values, member_ids(action.organization), for_finding=action.finding_id is not None
    )
    if errors:
        raise ValidationError(errors)
    previous = action.status
    for name, value in values.items():
        setattr(action, name, value)
    _complete(action, previous)
    return record_save(action, actor=actor)


@transaction.atomic
def corrective_action_verify(
    *, action: CorrectiveAction, actor: Actor, result: str, notes: str = ""
) -> CorrectiveAction:
    """Record whether a done action was effective (who, when, result). Not effective
    reopens it, so that it is done again and verified again."""
    membership = audit_membership(action.organization, actor)
    if action.finding_id is not None:
        if not can_record_results(membership, action.finding.audit):
            raise PermissionDenied(
                "Only the audit's auditors and compliance officers verify corrective actions."
            )
    else:
        require_capability(
            membership,
            Capability.EDIT_ANY,
            "Only compliance officers and administrators verify review actions.",
        )
    if result not in Verification.values:
        raise ValidationError({"result": [f"Choose one of {', '.join(Verification.values)}."]})
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": ["Only a done action can be verified."]})
    if action.verification_result == Verification.EFFECTIVE:
        raise ValidationError({"result": ["This action is already verified effective."]})
    if result == Verification.NOT_EFFECTIVE and not str(notes or "").strip():
        raise ValidationError({"notes": ["Say why the action was not effective."]})
    action.verification_result = result
    action.verification_notes = str(notes or "").strip()
    action.verified_by, action.verified_at = actor, timezone.now()
    if result == Verification.NOT_EFFECTIVE:
        action.status, action.completed_at = ActionStatus.IN_PROGRESS, None
    return record_save(action, actor=actor, reason=f"Verified: {Verification(result).label.lower()}")


@transaction.atomic
def corrective_action_delete(*, action: CorrectiveAction, actor: Actor) -> DeletionImpact:
    """Delete an action recorded by mistake (officers and administrators); one verified
    effective stays on record (``audits.deletion``)."""
    membership = audit_membership(action.organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators delete actions."
    )
    return record_delete_with_impact(action, actor=actor, reason="Action deleted")
