"""Many risks at once (imports): validate a batch as a whole, then write all of
it or nothing, with a history row per risk and per link naming the actor."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assets.models import Asset
from controls.models import Control
from core.identifiers import identifier_number_next, identifier_number_seen
from core.roles import Capability
from core.services import history_reason
from organizations.models import Organization

from .. import selectors
from ..models import Risk, RiskAsset, RiskControl, RiskStatus, risk_reference
from ._access import acting_membership, ensure_can_create, member_ids, merge_errors
from .register import (
    ABOVE_APPETITE_JUSTIFICATION_MIN,
    REFERENCE_KIND,
    apply_values,
    highest_number,
    number_take,
    review_date_default,
    risk_errors,
)

BULK_MAX_ITEMS = 5000


@dataclass
class RiskDraft:
    """One risk to create in bulk: its field values, its links (already
    resolved in the organization and the catalogues), the reference number it
    keeps (or None for the next free one) and, for a risk imported as
    accepted, the acceptance's justification."""

    values: dict[str, Any]
    assets: list[Asset] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    number: int | None = None
    acceptance_justification: str = ""


@dataclass
class RiskBulkPlan:
    risks: list[Risk]
    drafts: list[RiskDraft]
    errors: dict[int, dict[str, list[str]]]
    generated: list[int] = field(default_factory=list)  # indexes whose number the counter gives
    highest_number: int = 0  # the highest number in the organization and the batch

    @property
    def is_valid(self) -> bool:
        return not self.errors


class RiskBulkError(ValidationError):
    def __init__(self, plan: RiskBulkPlan):
        self.plan = plan
        super().__init__(f"{len(plan.errors)} of {len(plan.risks)} risks are invalid; nothing was created.")


def risk_bulk_validate(
    *,
    organization: Organization,
    actor,
    drafts: Sequence[RiskDraft],
    errors: Mapping[int, Mapping[str, list[str]]] = (),
) -> RiskBulkPlan:
    """Check ``drafts`` as one batch without writing anything.

    Every risk is checked as ``risk_create`` would check it, plus what only a
    batch can get wrong: a reference used twice or already taken. A risk
    imported as accepted is accepted by ``actor``, who must be allowed to
    approve, under the same justification rule as on the risk's page.
    ``errors`` are problems the caller found in cells, merged in per index.
    """
    membership = acting_membership(organization, actor)
    ensure_can_create(membership)
    if len(drafts) > BULK_MAX_ITEMS:
        raise ValidationError(f"At most {BULK_MAX_ITEMS} risks at once; split the file.")
    methodology = selectors.methodology_for(organization)
    members = member_ids(organization)
    found: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for index, fields in dict(errors).items():
        found[index] = merge_errors(found[index], dict(fields))

    risks = []
    for index, draft in enumerate(drafts):
        risk = Risk(organization=organization)
        apply_values(risk, draft.values)
        accepted = risk.status == RiskStatus.ACCEPTED
        if accepted or not risk.status:
            risk.status = RiskStatus.ASSESSED if accepted else RiskStatus.IDENTIFIED
        if risk.next_review_date is None:
            risk.next_review_date = review_date_default(methodology)
        problems = risk_errors(risk, methodology=methodology, membership=membership, members=members)
        if accepted and not problems:
            problems = _acceptance_problems(
                risk, draft, membership=membership, methodology=methodology, actor=actor
            )
        for name, messages in problems.items():
            # What the caller found in a cell says it more precisely than the model would.
            if not found[index].get(name):
                found[index][name] = messages
        risks.append(risk)

    taken = set(
        Risk.objects.for_organization(organization)
        .filter(number__in=[d.number for d in drafts if d.number])
        .values_list("number", flat=True)
    )
    first: dict[int, int] = {}
    for index, draft in enumerate(drafts):
        if not draft.number:
            continue
        label = risk_reference(draft.number)
        if draft.number in first:
            found[index].setdefault("reference", []).append(
                f"{label} is used by row {first[draft.number] + 1} already."
            )
        elif draft.number in taken:
            found[index].setdefault("reference", []).append(f"{label} already exists in this organization.")
        else:
            first[draft.number] = index
    # Risks without a reference get the numbers the counter would give, so that a preview
    # shows them; ``risk_bulk_create`` takes them for real when it writes.
    highest = max([highest_number(organization), *(d.number or 0 for d in drafts)])
    number = identifier_number_next(organization=organization, kind=REFERENCE_KIND, at_least=highest)
    generated = []
    for index, (risk, draft) in enumerate(zip(risks, drafts, strict=True)):
        if draft.number:
            risk.number = draft.number
        else:
            generated.append(index)
            risk.number = number + len(generated) - 1
    return RiskBulkPlan(
        risks=risks,
        drafts=list(drafts),
        errors={i: f for i, f in sorted(found.items()) if f},
        generated=generated,
        highest_number=highest,
    )


def _acceptance_problems(
    risk: Risk, draft: RiskDraft, *, membership, methodology, actor
) -> dict[str, list[str]]:
    if not membership.can(Capability.APPROVE):
        return {"status": ["Only members who may approve import risks as accepted."]}
    justification = draft.acceptance_justification.strip()
    above = methodology.is_above_appetite(risk.level)
    if above and len(justification) < ABOVE_APPETITE_JUSTIFICATION_MIN:
        return {
            "acceptance_justification": [
                f"The risk is {risk.get_level_display().lower()}, above the risk appetite: explain in at "
                f"least {ABOVE_APPETITE_JUSTIFICATION_MIN} characters why it is accepted."
            ]
        }
    if not justification:
        return {"acceptance_justification": ["An accepted risk needs a note on why it is accepted."]}
    risk.status = RiskStatus.ACCEPTED
    risk.accepted_by = actor
    risk.accepted_at = timezone.now()
    risk.acceptance_justification = justification
    risk.accepted_score = risk.score
    risk.accepted_level = risk.level
    risk.accepted_above_appetite = above
    return {}


def risk_bulk_create(
    *, organization: Organization, actor, drafts: Sequence[RiskDraft], reason: str = "Risks imported"
) -> list[Risk]:
    """Create every draft with its links, or nothing. Raises ``RiskBulkError`` with the per-item errors."""
    reason = history_reason(reason)
    with transaction.atomic():
        plan = risk_bulk_validate(organization=organization, actor=actor, drafts=drafts)
        if not plan.is_valid:
            raise RiskBulkError(plan)
        if plan.generated:
            first = number_take(organization, count=len(plan.generated), at_least=plan.highest_number)
            for offset, index in enumerate(plan.generated):
                plan.risks[index].number = first + offset
        else:
            identifier_number_seen(organization=organization, kind=REFERENCE_KIND, number=plan.highest_number)
        try:
            risks = bulk_create_with_history(
                plan.risks, Risk, batch_size=500, default_user=actor, default_change_reason=reason
            )
        except IntegrityError:
            raise ValidationError(
                "Another change took some of these references meanwhile; nothing was created. Try again."
            ) from None
        asset_links, control_links = [], []
        for risk, draft in zip(risks, plan.drafts, strict=True):
            for asset in dict.fromkeys(draft.assets):
                asset_links.append(RiskAsset(organization=organization, risk=risk, asset=asset))
            for control in dict.fromkeys(draft.controls):
                control_links.append(RiskControl(organization=organization, risk=risk, control=control))
        for model, links in ((RiskAsset, asset_links), (RiskControl, control_links)):
            if links:
                bulk_create_with_history(
                    links, model, batch_size=500, default_user=actor, default_change_reason=reason
                )
    return risks
