"""Writes to a risk's treatment plan: its actions, each with an owner and a due date."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.registers.members import member_ids
from core.registers.values import merge_errors, validation_errors, values_apply
from core.services import record_delete, record_save
from core.types import Actor
from organizations.models import Membership

from ..models import ActionStatus, Risk, RiskStatus, TreatmentAction
from ._access import acting_membership

ACTION_WRITABLE_FIELDS = frozenset({"description", "owner", "due_date", "status", "completion_note"})


def _ensure_can_plan(membership: Membership, risk: Risk) -> None:
    if not membership.can_edit(risk):
        raise PermissionDenied("Only the risk's owner (or an officer) plans its treatment.")


def _ensure_can_work_on(membership: Membership, action: TreatmentAction) -> None:
    """The risk's editors may change any of its actions; an action's owner may
    progress and complete their own, if their role lets them edit at all."""
    if membership.can_edit(action.risk):
        return
    if membership.can_create and action.owner_id == membership.user_id:
        return
    raise PermissionDenied("Only the action's owner or the risk's owner (or an officer) changes this action.")


def _action_errors(action: TreatmentAction, organization) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        action.full_clean(exclude={"organization", "risk", "owner"}, validate_constraints=False)
    except ValidationError as exc:
        errors = validation_errors(exc)
    if action.owner_id is None:
        errors = merge_errors(errors, {"owner": "Name who carries the action out."})
    elif action.owner_id not in member_ids(organization):
        errors = merge_errors(errors, {"owner": "The owner must be a member of this organization."})
    if action.status == ActionStatus.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action.status != ActionStatus.DONE:
        action.completed_on = None
    if isinstance(action.completed_on, datetime.date) and action.completed_on > timezone.localdate():
        errors = merge_errors(errors, {"completed_on": "An action is not completed in the future."})
    return errors


def _apply(action: TreatmentAction, values: Mapping[str, Any]) -> None:
    values_apply(
        action, values, writable=ACTION_WRITABLE_FIELDS, noun="action", defaults={"status": ActionStatus.OPEN}
    )


def treatment_action_create(*, risk: Risk, actor: Actor, values: Mapping[str, Any]) -> TreatmentAction:
    """Add an action to the risk's treatment plan.

    A risk still "identified" or "assessed" moves to "in treatment": it has a plan now.
    """
    membership = acting_membership(risk.organization, actor)
    _ensure_can_plan(membership, risk)
    if risk.status == RiskStatus.CLOSED:
        raise ValidationError({"description": "The risk is closed; reopen it to plan more treatment."})
    action = TreatmentAction(organization_id=risk.organization_id, risk=risk)
    _apply(action, values)
    if not action.status:
        action.status = ActionStatus.OPEN
    errors = _action_errors(action, risk.organization)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record_save(action, actor=actor, reason="Treatment action planned")
        if risk.status in (RiskStatus.IDENTIFIED, RiskStatus.ASSESSED) and action.is_pending:
            risk.status = RiskStatus.IN_TREATMENT
            record_save(risk, actor=actor, reason="Treatment planned", update_fields=["status", "updated_at"])
    return action


def treatment_action_update(
    *, action: TreatmentAction, actor: Actor, values: Mapping[str, Any]
) -> TreatmentAction:
    """Change an action. Only the risk's editors re-assign or re-date it; its owner may progress it."""
    membership = acting_membership(action.organization, actor)
    _ensure_can_work_on(membership, action)
    if not membership.can_edit(action.risk) and set(values) - {"status", "completion_note"}:
        raise PermissionDenied(
            "As the action's owner you can change its progress; ask the risk's owner for more."
        )
    previous_status = action.status
    _apply(action, values)
    errors = _action_errors(action, action.risk.organization)
    if errors:
        raise ValidationError(errors)
    reason = (
        "Treatment action completed"
        if (action.status == ActionStatus.DONE and previous_status != ActionStatus.DONE)
        else "Treatment action changed"
    )
    return record_save(action, actor=actor, reason=reason)


def treatment_action_complete(*, action: TreatmentAction, actor: Actor, note: str = "") -> TreatmentAction:
    """Mark the action done today, with an optional note on what was done."""
    if action.status == ActionStatus.DONE:
        raise ValidationError("This action is already done.")
    values: dict[str, Any] = {"status": ActionStatus.DONE}
    if note.strip():
        values["completion_note"] = note
    return treatment_action_update(action=action, actor=actor, values=values)


def treatment_action_delete(*, action: TreatmentAction, actor: Actor) -> None:
    membership = acting_membership(action.organization, actor)
    _ensure_can_plan(membership, action.risk)
    record_delete(action, actor=actor, reason="Treatment action removed")
