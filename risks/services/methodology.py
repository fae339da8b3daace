"""Changing the organization's risk methodology, and re-scoring the register with it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.registers.values import validation_errors, values_apply
from core.roles import Capability
from core.services import history_reason, record_save
from core.types import Actor
from organizations.models import Organization

from ..models import ACCEPTANCE_FIELDS, PENDING_ACTION_STATUSES, Risk, RiskMethodology, TreatmentAction
from ._access import acting_membership, ensure_can
from .register import acceptance_outlived, status_after_acceptance_cleared

#: Fields an administrator sets on the methodology, in the order its form shows them.
METHODOLOGY_FIELDS = (
    "likelihood_labels",
    "impact_labels",
    "medium_from",
    "high_from",
    "critical_from",
    "risk_appetite",
    "review_interval_days",
)
METHODOLOGY_WRITABLE_FIELDS = frozenset(METHODOLOGY_FIELDS)
REVIEW_INTERVAL_RANGE = (7, 1095)
RESCORED_FIELDS = ["inherent_level", "residual_level", "level", "status", *ACCEPTANCE_FIELDS, "updated_at"]


def methodology_create_default(*, organization: Organization, actor=None) -> RiskMethodology:
    """Give a new organization the default methodology (5 x 5, bands 1-3 / 4-9 /
    10-15 / 16-25, appetite medium, review every 180 days); sent with the
    organization's creation (``risks.apps``), so that reads never create it."""
    methodology = RiskMethodology.objects.filter(organization=organization).first()
    if methodology is not None:
        return methodology
    return record_save(RiskMethodology(organization=organization), actor=actor, reason="Default methodology")


@dataclass
class MethodologyChange:
    """What a methodology change did to the register."""

    methodology: RiskMethodology
    rescored: list[Risk] = field(default_factory=list)
    acceptances_cleared: list[Risk] = field(default_factory=list)


def methodology_update(
    *, methodology: RiskMethodology, actor: Actor, values: Mapping[str, Any]
) -> MethodologyChange:
    """Change the scales, bands, appetite or review interval, and re-score every risk.

    Only members who may manage the methodology (administrators) change it.
    In one transaction: the methodology is saved, and every risk whose stored
    inherent, residual or current level changes is updated with a history row
    naming ``actor``. An accepted risk whose level rises loses its acceptance
    (a higher level needs a new decision). A scale may not shrink below the
    ratings risks already use: those risks are re-rated first, by their owners.
    """
    organization = methodology.organization
    membership = acting_membership(organization, actor)
    ensure_can(
        membership,
        Capability.MANAGE_METHODOLOGY,
        "Only administrators change the risk methodology.",
    )
    values_apply(methodology, values, writable=METHODOLOGY_WRITABLE_FIELDS, noun="methodology", strip=False)
    errors: dict[str, list[str]] = {}
    try:
        methodology.full_clean(exclude={"organization"}, validate_constraints=False)
    except ValidationError as exc:
        errors = validation_errors(exc)
    low, high = REVIEW_INTERVAL_RANGE
    interval = methodology.review_interval_days
    if isinstance(interval, int) and not low <= interval <= high and "review_interval_days" not in errors:
        errors["review_interval_days"] = [f"Review risks every {low} to {high} days."]
    if not errors:
        errors = _shrink_errors(methodology)
    if errors:
        raise ValidationError(errors)

    change = MethodologyChange(methodology=methodology)
    with transaction.atomic():
        record_save(methodology, actor=actor, reason="Risk methodology changed")
        risks = list(Risk.objects.for_organization(organization).order_by("number"))
        pending = set(
            TreatmentAction.objects.for_organization(organization)
            .filter(status__in=PENDING_ACTION_STATUSES)
            .values_list("risk_id", flat=True)
        )
        now = timezone.now()
        for risk in risks:
            before = (risk.inherent_level, risk.residual_level, risk.level)
            risk.rate(methodology)
            if (risk.inherent_level, risk.residual_level, risk.level) == before:
                continue
            reason = f"Re-scored: methodology changed, level {before[2]} → {risk.level}"
            if acceptance_outlived(risk):
                risk.clear_acceptance()
                risk.status = status_after_acceptance_cleared(risk, has_pending_actions=risk.pk in pending)
                reason += ", acceptance cleared"
                change.acceptances_cleared.append(risk)
            risk.updated_at = now
            risk._history_user = actor
            risk._change_reason = history_reason(reason)
            change.rescored.append(risk)
        if change.rescored:
            bulk_update_with_history(
                change.rescored,
                Risk,
                RESCORED_FIELDS,
                batch_size=500,
                default_user=actor,
                default_change_reason="Re-scored: risk methodology changed",
            )
    return change


def _shrink_errors(methodology: RiskMethodology) -> dict[str, list[str]]:
    risks = Risk.objects.for_organization(methodology.organization)
    highest = risks.aggregate(
        likelihood=Max("inherent_likelihood"),
        residual_likelihood=Max("residual_likelihood"),
        impact=Max("inherent_impact"),
        residual_impact=Max("residual_impact"),
    )
    errors = {}
    for name, size, fields in (
        ("likelihood_labels", methodology.likelihood_size, ("inherent_likelihood", "residual_likelihood")),
        ("impact_labels", methodology.impact_size, ("inherent_impact", "residual_impact")),
    ):
        used = max(
            highest[key] or 0
            for key in (
                ("likelihood", "residual_likelihood")
                if name.startswith("likelihood")
                else ("impact", "residual_impact")
            )
        )
        if used > size:
            count = risks.filter(Q(**{f"{fields[0]}__gt": size}) | Q(**{f"{fields[1]}__gt": size})).count()
            noun = "likelihood" if name.startswith("likelihood") else "impact"
            errors[name] = [
                f"{count} risk{'s' if count != 1 else ''} rated {noun} up to {used}; a {size}-level scale "
                f"cannot hold that. Re-rate {'them' if count != 1 else 'it'} first."
            ]
    return errors
