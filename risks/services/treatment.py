"""Writes to a risk's treatment plan: its actions, each with an owner and a due date."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.registers.bulk import BulkError, BulkPlan, ItemErrors, bulk_insert, bulk_size_check
from core.registers.members import member_ids
from core.registers.values import merge_errors, validation_errors, values_apply
from core.services import history_reason, record_delete, record_save
from core.types import Actor
from organizations.models import Membership

from ..models import ActionStatus, Risk, RiskStatus, TreatmentAction
from ._access import acting_membership

#: Statuses from which a risk moves to "in treatment" when a pending action is planned.
_PLANNABLE = (RiskStatus.IDENTIFIED, RiskStatus.ASSESSED)

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


def _action_errors(action: TreatmentAction, members: set[int]) -> dict[str, list[str]]:
    """What is wrong with ``action`` as it would be saved; ``members`` are the
    organization's member ids (``member_ids``), read once by the caller."""
    errors: dict[str, list[str]] = {}
    try:
        action.full_clean(exclude={"organization", "risk", "owner"}, validate_constraints=False)
    except ValidationError as exc:
        errors = validation_errors(exc)
    if action.owner_id is None:
        errors = merge_errors(errors, {"owner": "Name who carries the action out."})
    elif action.owner_id not in members:
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
    errors = _action_errors(action, member_ids(risk.organization))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record_save(action, actor=actor, reason="Treatment action planned")
        if risk.status in _PLANNABLE and action.is_pending:
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
    errors = _action_errors(action, member_ids(action.risk.organization))
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


# --- Many actions at once (seeding, imports) ---------------------------------


@dataclass
class ActionDraft:
    """One treatment action to create in bulk: the risk it belongs to and its values."""

    risk: Risk
    values: dict[str, Any]


def treatment_action_bulk_create(
    *,
    organization,
    actor: Actor,
    drafts: Sequence[ActionDraft],
    reason: str = "Treatment action planned",
) -> list[TreatmentAction]:
    """Plan every draft, or nothing: the same checks as ``treatment_action_create``
    (the actor plans the risk's treatment, the risk is open, the owner is a member),
    read once for the batch. Raises ``BulkError`` with the per-item errors.

    Each action gets its "created" history row naming ``actor`` and ``reason``;
    the risks still identified or assessed that get a pending action move to
    "in treatment" with a history row each, as one by one.
    """
    bulk_size_check(drafts, noun="treatment actions")
    membership = acting_membership(organization, actor)
    members = member_ids(organization)
    found = ItemErrors()
    actions = []
    for index, draft in enumerate(drafts):
        risk = draft.risk
        if risk.organization_id != organization.pk:
            found.add(index, "risk", "Choose a risk of this organization.")
        elif not membership.can_edit(risk):
            found.add(index, "risk", "Only the risk's owner (or an officer) plans its treatment.")
        elif risk.status == RiskStatus.CLOSED:
            found.add(index, "description", "The risk is closed; reopen it to plan more treatment.")
        action = TreatmentAction(organization_id=organization.pk, risk=risk)
        _apply(action, draft.values)
        if not action.status:
            action.status = ActionStatus.OPEN
        found.add_unreported(index, _action_errors(action, members))
        actions.append(action)
    plan = BulkPlan(records=actions, drafts=list(drafts), errors=found.as_dict())
    if not plan.is_valid:
        raise BulkError(plan, noun="treatment actions")
    with transaction.atomic():
        created = bulk_insert(actions, TreatmentAction, actor=actor, reason=reason)
        now = timezone.now()
        moving: dict[int, Risk] = {}
        for action in created:
            if action.is_pending and action.risk.status in _PLANNABLE:
                moving[action.risk_id] = action.risk
        for risk in moving.values():
            risk.status, risk.updated_at = RiskStatus.IN_TREATMENT, now
        if moving:
            bulk_update_with_history(
                list(moving.values()),
                Risk,
                ["status", "updated_at"],
                batch_size=500,
                default_user=actor,
                default_change_reason=history_reason("Treatment planned"),
            )
    return created
