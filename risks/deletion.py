"""What deleting a record affects in the risk register (``core.deletion``).

- An asset: the risks it is linked to lose it; the impact assessments of an AI
  system are deleted with it while drafts, and refuse the delete once signed off.
- A risk: its treatment actions and links go with it; the impacts that raised it
  lose the link, and refuse the delete when their assessment is signed off.
- An impact assessment (a draft): its impacts and reviewers go with it.

Every step writes the affected record's history, naming the deleted record.
"""

from functools import partial

from assets.models import Asset
from core.deletion import DeletionImpact, deletion_contributor
from core.services import record_delete, record_save
from core.types import Actor

from .models import ImpactAssessment, ImpactItem, Risk, RiskAsset, RiskControl, TreatmentAction

SIGNED_OFF = "is signed off"


def _unlink_item(item: ImpactItem, *, actor: Actor, reason: str) -> None:
    item.risk = None
    record_save(item, actor=actor, reason=reason, update_fields=["risk", "updated_at"])


@deletion_contributor(Asset)
def risks_lose_the_asset(impact: DeletionImpact) -> None:
    links = RiskAsset.objects.filter(asset=impact.record).select_related("risk").order_by("risk__number")
    for link in links:
        impact.add(
            link.risk,
            "loses this affected asset",
            step=partial(record_delete, link, actor=impact.actor, reason=f"{impact.reason} and unlinked"),
        )


@deletion_contributor(Asset)
def assessments_of_the_ai_system(impact: DeletionImpact) -> None:
    assessments = (
        ImpactAssessment.objects.filter(ai_system=impact.record)
        .select_related("ai_system")
        .order_by("version")
    )
    for assessment in assessments:
        if assessment.is_frozen:
            impact.add(assessment, "stays on record", blocking=SIGNED_OFF)
        else:
            impact.add(
                assessment,
                "is deleted with it (a draft)",
                step=partial(_assessment_parts_delete, assessment, actor=impact.actor, reason=impact.reason),
            )


def _assessment_parts_delete(assessment: ImpactAssessment, *, actor: Actor, reason: str) -> None:
    for item in assessment.items.all():
        record_delete(item, actor=actor, reason=reason)
    for link in assessment.reviewer_links.all():
        record_delete(link, actor=actor, reason=reason)
    record_delete(assessment, actor=actor, reason=reason)


@deletion_contributor(ImpactAssessment)
def parts_of_the_assessment(impact: DeletionImpact) -> None:
    assessment = impact.record
    for item in assessment.items.order_by("id"):
        impact.add(
            item,
            "is deleted with it",
            step=partial(record_delete, item, actor=impact.actor, reason=impact.reason),
        )
    for link in assessment.reviewer_links.select_related("user", "assessment__ai_system").order_by("id"):
        impact.add(
            link, "is removed", step=partial(record_delete, link, actor=impact.actor, reason=impact.reason)
        )


@deletion_contributor(Risk)
def parts_of_the_risk(impact: DeletionImpact) -> None:
    risk = impact.record
    for action in TreatmentAction.objects.filter(risk=risk).select_related("risk").order_by("due_date", "id"):
        impact.add(
            action,
            "is deleted with it",
            step=partial(record_delete, action, actor=impact.actor, reason=impact.reason),
        )
    for model, relation in ((RiskAsset, "asset"), (RiskControl, "control__framework")):
        for link in model.objects.filter(risk=risk).select_related("risk", relation).order_by("id"):
            impact.add(
                link,
                "is removed",
                step=partial(record_delete, link, actor=impact.actor, reason=impact.reason),
            )
    items = (
        ImpactItem.objects.filter(risk=risk)
        .select_related("assessment__ai_system")
        .order_by("assessment__version", "id")
    )
    for item in items:
        if item.assessment.is_frozen:
            impact.add(item.assessment, f"names it as raised by “{item}”", blocking=SIGNED_OFF)
        else:
            impact.add(
                item,
                "loses the link to it",
                step=partial(_unlink_item, item, actor=impact.actor, reason=f"{impact.reason} and unlinked"),
            )
