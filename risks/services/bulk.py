"""Many risks at once (imports): validate a batch as a whole, then write all of
it or nothing, with a history row per risk and per link naming the actor."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from assets.models import Asset
from controls.models import Control
from core.registers.bulk import (
    BulkError,
    BulkPlan,
    ItemErrors,
    bulk_insert,
    bulk_numbers_preview,
    bulk_numbers_take,
    bulk_size_check,
)
from core.registers.members import member_ids
from core.types import Actor
from organizations.models import Organization

from .. import selectors
from ..models import Risk, RiskAsset, RiskControl, RiskStatus, risk_reference
from ._access import acting_membership, ensure_can_create
from .register import (
    REFERENCE_KIND,
    acceptance_errors,
    acceptance_record,
    apply_values,
    highest_number,
    review_date_default,
    risk_errors,
)

_ACCEPTANCE_FIELDS = {"justification": "acceptance_justification"}


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


def risk_bulk_validate(
    *,
    organization: Organization,
    actor: Actor,
    drafts: Sequence[RiskDraft],
    errors: Mapping[int, Mapping[str, list[str]]] = (),
) -> BulkPlan:
    """Check ``drafts`` as one batch without writing anything.

    Every risk is checked as ``risk_create`` would check it, plus what only a
    batch can get wrong: a reference used twice or already taken. A risk
    imported as accepted is accepted by ``actor``, who must be allowed to
    approve, under the acceptance rule of the risk's page (``acceptance_errors``).
    ``errors`` are problems the caller found in cells, merged in per index.
    The plan's ``records`` are the risks.
    """
    membership = acting_membership(organization, actor)
    ensure_can_create(membership)
    bulk_size_check(drafts, noun="risks")
    methodology = selectors.methodology_for(organization)
    members = member_ids(organization)
    found = ItemErrors(errors)

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
            refused = acceptance_errors(
                risk,
                membership=membership,
                methodology=methodology,
                justification=draft.acceptance_justification,
            )
            if refused:
                # The file's column for the justification is ``acceptance_justification``.
                problems = {
                    _ACCEPTANCE_FIELDS.get(name, name): messages for name, messages in refused.items()
                }
            else:
                acceptance_record(
                    risk, actor=actor, methodology=methodology, justification=draft.acceptance_justification
                )
        found.add_unreported(index, problems)
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
            found.add(index, "reference", f"{label} is used by row {first[draft.number] + 1} already.")
        elif draft.number in taken:
            found.add(index, "reference", f"{label} already exists in this organization.")
        else:
            first[draft.number] = index
    # Risks without a reference get the numbers the counter would give, so that a preview
    # shows them; ``risk_bulk_create`` takes them for real when it writes (``bulk_numbers_take``).
    highest = max([highest_number(organization), *(d.number or 0 for d in drafts)])
    for risk, draft in zip(risks, drafts, strict=True):
        risk.number = draft.number
    numbered = bulk_numbers_preview(
        risks,
        organization=organization,
        kind=REFERENCE_KIND,
        highest=highest,
        wanted=[not draft.number for draft in drafts],
        assign=_number_assign,
    )
    return BulkPlan(
        records=risks, drafts=list(drafts), errors=found.as_dict(), numbered=numbered, highest_number=highest
    )


def _number_assign(risk: Risk, number: int) -> None:
    risk.number = number


def risk_bulk_create(
    *, organization: Organization, actor: Actor, drafts: Sequence[RiskDraft], reason: str = "Risks imported"
) -> list[Risk]:
    """Create every draft with its links, or nothing. Raises ``BulkError`` with the per-item errors.
    Risks without a reference take the next numbers of the ``core.identifiers`` counter."""
    with transaction.atomic():
        plan = risk_bulk_validate(organization=organization, actor=actor, drafts=drafts)
        if not plan.is_valid:
            raise BulkError(plan, noun="risks")
        bulk_numbers_take(plan, organization=organization, kind=REFERENCE_KIND, assign=_number_assign)
        risks = bulk_insert(plan.records, Risk, actor=actor, reason=reason, taken="references")
        asset_links, control_links = [], []
        for risk, draft in zip(risks, plan.drafts, strict=True):
            for asset in dict.fromkeys(draft.assets):
                asset_links.append(RiskAsset(organization=organization, risk=risk, asset=asset))
            for control in dict.fromkeys(draft.controls):
                control_links.append(RiskControl(organization=organization, risk=risk, control=control))
        for model, links in ((RiskAsset, asset_links), (RiskControl, control_links)):
            bulk_insert(links, model, actor=actor, reason=reason)
    return risks
