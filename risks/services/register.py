"""Writes to the risk register: record, change, accept, review, delete a risk,
and link it to assets and controls. Each checks the actor's role, validates
against the organization's methodology and saves through ``record_save`` so
that the history names who did it."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from assets.models import Asset
from controls.models import Control, Framework
from controls.selectors import ISO27001, ISO42001
from core.deletion import DeletionImpact, record_delete_with_impact
from core.identifiers import identifier_number_next, identifier_numbers_take
from core.registers.members import member_ids
from core.registers.values import merge_errors, validation_errors, values_apply
from core.roles import Capability
from core.services import record_delete, record_save
from core.types import Actor
from organizations.models import Membership, Organization

from .. import selectors
from ..models import (
    ACCEPTANCE_FIELDS,
    LEVEL_RANK,
    PENDING_ACTION_STATUSES,
    Category,
    Risk,
    RiskAsset,
    RiskControl,
    RiskMethodology,
    RiskStatus,
)
from ._access import acting_membership, ensure_can, ensure_can_create, ensure_can_edit

#: Fields a service may set on a risk, in the order the risk's form shows them; scores,
#: levels and acceptance are derived or approved.
RISK_FIELDS = (
    "title",
    "description",
    "category",
    "owner",
    "threat",
    "vulnerability",
    "affects_confidentiality",
    "affects_integrity",
    "affects_availability",
    "ai_harm_area",
    "inherent_likelihood",
    "inherent_impact",
    "treatment",
    "treatment_plan",
    "residual_likelihood",
    "residual_impact",
    "residual_rationale",
    "status",
    "next_review_date",
)
RISK_WRITABLE_FIELDS = frozenset(RISK_FIELDS)
#: How long an explicit justification for accepting a risk above the appetite must at least be.
ABOVE_APPETITE_JUSTIFICATION_MIN = 40
CATALOGUES = (ISO27001, ISO42001)


def apply_values(risk: Risk, values: Mapping[str, Any]) -> list[str]:
    return values_apply(risk, values, writable=RISK_WRITABLE_FIELDS, noun="risk")


def review_date_default(methodology: RiskMethodology, start: datetime.date | None = None) -> datetime.date:
    return (start or timezone.localdate()) + datetime.timedelta(days=methodology.review_interval_days)


def risk_errors(
    risk: Risk,
    *,
    methodology: RiskMethodology,
    membership: Membership,
    members: set[int],
    previous: Risk | None = None,
    assets: Iterable[Asset] | None = None,
    controls: Iterable[Control] | None = None,
) -> dict[str, list[str]]:
    """Everything wrong with ``risk`` as it would be saved; rates it on the way.

    ``previous`` is the stored state when changing a risk (for the status
    rules). The model's own field checks, the methodology's scales, the
    category's required fields, the members and the links are all checked
    here, once, for the pages, the API and imports alike.
    """
    errors: dict[str, list[str]] = {}
    rating = risk.rating_errors(methodology)
    exclude = {"organization", "number", "owner"}
    if rating:
        exclude |= {"inherent_score", "inherent_level", "residual_score", "residual_level", "score", "level"}
    else:
        risk.rate(methodology)
    try:
        risk.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors = merge_errors(errors, validation_errors(exc))
    errors = merge_errors(rating, errors, risk.category_errors())

    if risk.category == Category.INFORMATION_SECURITY and risk.ai_harm_area:
        errors = merge_errors(
            errors, {"ai_harm_area": "Only AI risks have a harm area; choose the category “both”."}
        )
    rated = "inherent_score" not in exclude and risk.has_residual and "residual_likelihood" not in errors
    if rated and risk.residual_score > risk.inherent_score and not risk.residual_rationale.strip():
        errors = merge_errors(
            errors,
            {
                "residual_rationale": (
                    f"The residual score ({risk.residual_score}) is above the inherent one "
                    f"({risk.inherent_score}): say why the treatment leaves the risk higher."
                )
            },
        )

    if risk.owner_id is None:
        errors = merge_errors(errors, {"owner": "Name the risk owner."})
    elif risk.owner_id not in members:
        errors = merge_errors(errors, {"owner": "The owner must be a member of this organization."})
    elif not membership.can_assign_owner(risk.owner):
        errors = merge_errors(
            errors, {"owner": "As a contributor you record and keep risks you own yourself."}
        )

    errors = merge_errors(errors, _status_errors(risk, previous))
    if assets is not None:
        errors = merge_errors(errors, _asset_errors(risk.organization_id, assets))
    if controls is not None:
        errors = merge_errors(errors, _control_errors(controls))
    return errors


#: Why a status cannot be set by editing the risk (the form and the API say it too).
ACCEPTED_ONLY_BY_ACCEPTING = "A risk becomes accepted when someone who may approve accepts it on its page."
ACCEPTED_STAYS_UNTIL_WITHDRAWN = "The risk is accepted: withdraw the acceptance first, or close the risk."


def _status_errors(risk: Risk, previous: Risk | None) -> dict[str, str]:
    was_accepted = previous is not None and previous.is_accepted
    if risk.status == RiskStatus.ACCEPTED and not was_accepted:
        return {"status": ACCEPTED_ONLY_BY_ACCEPTING}
    if was_accepted and risk.status not in (RiskStatus.ACCEPTED, RiskStatus.CLOSED) and risk.is_accepted:
        return {"status": ACCEPTED_STAYS_UNTIL_WITHDRAWN}
    return {}


def _asset_errors(organization_id: int, assets: Iterable[Asset]) -> dict[str, str]:
    if any(asset.organization_id != organization_id for asset in assets):
        return {"assets": "Choose assets of this organization."}
    return {}


def _control_errors(controls: Iterable[Control]) -> dict[str, str]:
    controls = list(controls)
    if not controls:
        return {}
    allowed = set(Framework.objects.filter(code__in=CATALOGUES).values_list("pk", flat=True))
    if any(control.framework_id not in allowed for control in controls):
        return {"controls": "Choose controls of ISO/IEC 27001:2022 or ISO/IEC 42001:2023 Annex A."}
    return {}


def acceptance_outlived(risk: Risk) -> bool:
    """Whether the risk's current rating has risen above what was accepted."""
    if not risk.is_accepted:
        return False
    return risk.score > (risk.accepted_score or 0) or LEVEL_RANK.get(risk.level, 0) > LEVEL_RANK.get(
        risk.accepted_level, 0
    )


def status_after_acceptance_cleared(risk: Risk, *, has_pending_actions: bool) -> str:
    if risk.status != RiskStatus.ACCEPTED:
        return risk.status
    return RiskStatus.IN_TREATMENT if has_pending_actions else RiskStatus.ASSESSED


def _has_pending_actions(risk: Risk) -> bool:
    return risk.pk is not None and risk.actions.filter(status__in=PENDING_ACTION_STATUSES).exists()


#: The ``core.identifiers`` counter of risk numbers.
REFERENCE_KIND = "risk"


def highest_number(organization: Organization) -> int:
    return Risk.objects.for_organization(organization).aggregate(n=Max("number"))["n"] or 0


def next_number(organization: Organization) -> int:
    """The number the next risk gets (reads only): never one a risk had before."""
    return identifier_number_next(
        organization=organization, kind=REFERENCE_KIND, at_least=highest_number(organization)
    )


def number_take(organization: Organization, *, count: int = 1, at_least: int = 0) -> int:
    """Reserve ``count`` risk numbers (inside the writing transaction); the first is returned."""
    return identifier_numbers_take(
        organization=organization,
        kind=REFERENCE_KIND,
        count=count,
        at_least=max(at_least, highest_number(organization)),
    )


# --- One risk --------------------------------------------------------------------


def risk_create(
    *,
    organization: Organization,
    actor: Actor,
    values: Mapping[str, Any],
    assets: Iterable[Asset] = (),
    controls: Iterable[Control] = (),
    reason: str = "Risk recorded",
) -> Risk:
    """Record a risk with the next free reference (R-001, R-002…).

    Its next review follows the methodology's interval when none is given.
    Raises ``PermissionDenied`` when the actor may not record risks and
    ``ValidationError`` (per field) when the risk is not valid.
    """
    membership = acting_membership(organization, actor)
    ensure_can_create(membership)
    methodology = selectors.methodology_for(organization)
    assets, controls = list(assets), list(controls)
    risk = Risk(organization=organization)
    apply_values(risk, values)
    if not risk.status:
        risk.status = RiskStatus.IDENTIFIED
    if risk.next_review_date is None:
        risk.next_review_date = review_date_default(methodology)
    errors = risk_errors(
        risk,
        methodology=methodology,
        membership=membership,
        members=member_ids(organization),
        assets=assets,
        controls=controls,
    )
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                risk.number = number_take(organization)
                record_save(risk, actor=actor, reason=reason)
                _links_sync(risk, actor=actor, model=RiskAsset, field="asset", wanted=assets)
                _links_sync(risk, actor=actor, model=RiskControl, field="control", wanted=controls)
                return risk
        except IntegrityError:
            # Someone else took the number between our read and our write.
            risk.pk = None
            continue
    raise ValidationError("Could not find a free reference for the risk; try again.")


def risk_update(
    *,
    risk: Risk,
    actor: Actor,
    values: Mapping[str, Any],
    assets: Iterable[Asset] | None = None,
    controls: Iterable[Control] | None = None,
) -> Risk:
    """Change a risk (and, when given, its affected assets and treatment controls).

    Raising the current rating above what was accepted clears the acceptance:
    a higher risk needs a new decision. Contributors change only risks they own.
    """
    organization = risk.organization
    membership = acting_membership(organization, actor)
    ensure_can_edit(membership, risk)
    methodology = selectors.methodology_for(organization)
    previous = selectors.risk_get(organization=organization, risk_id=risk.pk)
    apply_values(risk, values)
    if risk.next_review_date is None:
        risk.next_review_date = review_date_default(methodology)
    assets = list(assets) if assets is not None else None
    controls = list(controls) if controls is not None else None

    reasons = ["Risk changed"]
    # Rate first, so that an outlived acceptance is cleared before the status rules look at it.
    if not risk.rating_errors(methodology):
        risk.rate(methodology)
        if acceptance_outlived(risk):
            reasons.append(
                f"acceptance cleared, rating rose from {risk.accepted_score} to {risk.score} ({risk.level})"
            )
            risk.clear_acceptance()
            risk.status = status_after_acceptance_cleared(
                risk, has_pending_actions=_has_pending_actions(risk)
            )
    errors = risk_errors(
        risk,
        methodology=methodology,
        membership=membership,
        members=member_ids(organization),
        previous=previous,
        assets=assets,
        controls=controls,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record_save(risk, actor=actor, reason="; ".join(reasons))
        if assets is not None:
            _links_sync(risk, actor=actor, model=RiskAsset, field="asset", wanted=assets)
        if controls is not None:
            _links_sync(risk, actor=actor, model=RiskControl, field="control", wanted=controls)
    return risk


def risk_delete(*, risk: Risk, actor: Actor) -> DeletionImpact:
    """Delete a risk after saying what it affects (``core.deletion``): its plan and
    links go with it, and the impacts that raised it lose the link, their history
    naming the risk. Raises ``DeletionRefused`` (nothing written) when a
    signed-off impact assessment names it."""
    membership = acting_membership(risk.organization, actor)
    ensure_can_edit(membership, risk)
    return record_delete_with_impact(risk, actor=actor, reason="Risk deleted")


_LINK_REASONS = {
    "asset": ("Affected asset linked", "Affected asset unlinked"),
    "control": ("Treatment control added", "Treatment control removed"),
}


def _links_sync(risk: Risk, *, actor: Actor, model, field: str, wanted: Iterable) -> None:
    """Make the risk's links of ``model`` exactly ``wanted``, one history row per change."""
    wanted_by_id = {obj.pk: obj for obj in wanted}
    existing = {getattr(link, f"{field}_id"): link for link in model.objects.filter(risk=risk)}
    noun = "asset" if field == "asset" else "control"
    for obj_id, link in existing.items():
        if obj_id not in wanted_by_id:
            record_delete(link, actor=actor, reason=_LINK_REASONS[noun][1])
    for obj_id, obj in wanted_by_id.items():
        if obj_id not in existing:
            link = model(organization_id=risk.organization_id, risk=risk, **{field: obj})
            record_save(link, actor=actor, reason=_LINK_REASONS[noun][0])


# --- Acceptance and review -----------------------------------------------------------


ACCEPT_NEEDS_APPROVAL = "Only members who may approve accept risks."


def acceptance_errors(
    risk: Risk, *, membership: Membership, methodology: RiskMethodology, justification: str
) -> dict[str, list[str]]:
    """What stops ``membership``'s user from accepting ``risk`` at its current
    rating with ``justification`` — the one acceptance rule, for the risk's
    page, the API and imports (27001 6.1.3 f, 42001 6.1.3).

    Only members who may approve accept, and never a closed risk. Within the
    risk appetite a short note suffices; above it the justification must say,
    in at least ``ABOVE_APPETITE_JUSTIFICATION_MIN`` characters, why the risk
    is retained. The risk must be rated (``risk.rate``) first.
    """
    if not membership.can(Capability.APPROVE):
        return {"status": [ACCEPT_NEEDS_APPROVAL]}
    if risk.status == RiskStatus.CLOSED:
        return {"justification": ["A closed risk is not accepted; reopen it first."]}
    justification = (justification or "").strip()
    if methodology.is_above_appetite(risk.level) and len(justification) < ABOVE_APPETITE_JUSTIFICATION_MIN:
        appetite = methodology.get_risk_appetite_display().lower()
        name = risk.reference if risk.number else "The risk"
        return {
            "justification": [
                f"{name} is {risk.get_level_display().lower()}, above the risk appetite ({appetite}): "
                f"explain in at least {ABOVE_APPETITE_JUSTIFICATION_MIN} characters why it is retained — "
                "who decided, compensating measures, until when."
            ]
        }
    if not justification:
        return {"justification": ["Add a short note on why the risk is accepted."]}
    return {}


def acceptance_record(risk: Risk, *, actor: Actor, methodology: RiskMethodology, justification: str) -> None:
    """Put the acceptance on ``risk`` (not saved): who, when, why, and the score and level accepted."""
    risk.accepted_by = actor
    risk.accepted_at = timezone.now()
    risk.acceptance_justification = justification.strip()
    risk.accepted_score = risk.score
    risk.accepted_level = risk.level
    risk.accepted_above_appetite = methodology.is_above_appetite(risk.level)
    risk.status = RiskStatus.ACCEPTED


def risk_accept(*, risk: Risk, actor: Actor, justification: str) -> Risk:
    """Accept the risk at its current rating, under the rule of ``acceptance_errors``.

    Raises ``PermissionDenied`` for members who may not approve and
    ``ValidationError`` (on ``justification``) when the rule refuses.
    """
    membership = acting_membership(risk.organization, actor)
    ensure_can(membership, Capability.APPROVE, ACCEPT_NEEDS_APPROVAL)
    methodology = selectors.methodology_for(risk.organization)
    risk.rate(methodology)
    errors = acceptance_errors(
        risk, membership=membership, methodology=methodology, justification=justification
    )
    if errors:
        raise ValidationError(errors)
    acceptance_record(risk, actor=actor, methodology=methodology, justification=justification)
    reason = "Risk accepted above the risk appetite" if risk.accepted_above_appetite else "Risk accepted"
    return record_save(
        risk,
        actor=actor,
        reason=reason,
        update_fields=[
            *ACCEPTANCE_FIELDS,
            "status",
            "inherent_score",
            "inherent_level",
            "residual_score",
            "residual_level",
            "score",
            "level",
            "updated_at",
        ],
    )


def risk_acceptance_withdraw(*, risk: Risk, actor: Actor, reason: str = "") -> Risk:
    """Withdraw an acceptance (only members who may approve); the risk goes back to treatment."""
    membership = acting_membership(risk.organization, actor)
    ensure_can(membership, Capability.APPROVE, "Only members who may approve withdraw an acceptance.")
    if not risk.is_accepted:
        raise ValidationError("This risk is not accepted.")
    risk.status = status_after_acceptance_cleared(risk, has_pending_actions=_has_pending_actions(risk))
    risk.clear_acceptance()
    note = f"Acceptance withdrawn: {reason.strip()}" if reason.strip() else "Acceptance withdrawn"
    return record_save(
        risk,
        actor=actor,
        reason=note,
        update_fields=[*ACCEPTANCE_FIELDS, "status", "updated_at"],
    )


def risk_review_record(*, risk: Risk, actor: Actor, note: str = "") -> Risk:
    """Note that the risk was reviewed today; its next review follows the methodology's interval."""
    membership = acting_membership(risk.organization, actor)
    ensure_can_edit(membership, risk)
    if risk.status == RiskStatus.CLOSED:
        raise ValidationError("A closed risk is not reviewed; reopen it first.")
    methodology = selectors.methodology_for(risk.organization)
    today = timezone.localdate()
    risk.last_reviewed_on = today
    risk.next_review_date = review_date_default(methodology, today)
    reason = f"Reviewed: {note.strip()}" if note.strip() else "Reviewed"
    return record_save(
        risk,
        actor=actor,
        reason=reason,
        update_fields=["last_reviewed_on", "next_review_date", "updated_at"],
    )
