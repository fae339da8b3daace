"""What deleting a record of the audit programme affects (``core.deletion``).

- An audit: its team, checklist items and evidence files go with it, and so do
  the findings raised on it that nothing follows up yet; a finding with
  corrective actions refuses the delete (the actions are tracked work: close or
  delete them first). A closed audit is frozen and refuses on its own.
- A finding: its corrective actions go with it, unless one is verified
  effective (a recorded verification is evidence); a finding of a closed audit
  refuses (its link to the audit is frozen).
- A corrective action verified effective refuses; any other goes alone.
- A management review: its actions go with it, unless one is verified effective.

Every step writes the affected record's history, naming the deleted record.
"""

from functools import partial

from core.deletion import DeletionImpact, deletion_contributor
from core.services import record_delete

from .models import (
    Audit,
    AuditStatus,
    AuditTeamMember,
    ChecklistItem,
    CorrectiveAction,
    EvidenceFile,
    Finding,
    ManagementReview,
    Verification,
)

VERIFIED = "is verified effective"


def _delete_step(record, impact: DeletionImpact):
    return partial(record_delete, record, actor=impact.actor, reason=impact.reason)


def _checklist_delete(audit, *, impact: DeletionImpact) -> None:
    for evidence in EvidenceFile.objects.filter(item__audit=audit):
        record_delete(evidence, actor=impact.actor, reason=impact.reason)
    for item in ChecklistItem.objects.filter(audit=audit):
        record_delete(item, actor=impact.actor, reason=impact.reason)


@deletion_contributor(Audit)
def parts_of_the_audit(impact: DeletionImpact) -> None:
    audit = impact.record
    findings = (
        Finding.objects.filter(audit=audit)
        .select_related("audit")
        .prefetch_related("actions")
        .order_by("number")
    )
    for finding in findings:
        actions = list(finding.actions.all())
        if actions:
            impact.add(
                finding,
                "stays on record",
                blocking=f"has {len(actions)} corrective action{'s' if len(actions) != 1 else ''} "
                "(delete them first)",
            )
        else:
            impact.add(finding, "is deleted with it", step=_delete_step(finding, impact))
    items = list(ChecklistItem.objects.filter(audit=audit).order_by("position"))
    if items:
        # One line for the whole checklist: an audit of both standards has well over a hundred items.
        recorded = sum(1 for item in items if item.result)
        files = EvidenceFile.objects.filter(item__audit=audit).count()
        effect = f"loses its checklist: {len(items)} items, {recorded} with a result"
        if files:
            effect += f", and {files} evidence file{'s' if files != 1 else ''}"
        impact.add(
            audit,
            effect + ", are deleted with it",
            step=partial(_checklist_delete, audit, impact=impact),
        )
    for member in AuditTeamMember.objects.filter(audit=audit).select_related("user", "audit"):
        impact.add(member, "is removed", step=_delete_step(member, impact))


@deletion_contributor(Finding)
def parts_of_the_finding(impact: DeletionImpact) -> None:
    finding = impact.record
    if finding.audit.status == AuditStatus.CLOSED:
        impact.add(finding, "stays on record", blocking="belongs to a closed audit")
        return
    for action in CorrectiveAction.objects.filter(finding=finding).order_by("number"):
        if action.verification_result == Verification.EFFECTIVE:
            impact.add(action, "stays on record", blocking=VERIFIED)
        else:
            impact.add(action, "is deleted with it", step=_delete_step(action, impact))


@deletion_contributor(CorrectiveAction)
def a_verified_action_stays(impact: DeletionImpact) -> None:
    action = impact.record
    if action.verification_result == Verification.EFFECTIVE:
        impact.add(action, "stays on record", blocking=VERIFIED)


@deletion_contributor(ManagementReview)
def actions_of_the_review(impact: DeletionImpact) -> None:
    for action in CorrectiveAction.objects.filter(review=impact.record).order_by("number"):
        if action.verification_result == Verification.EFFECTIVE:
            impact.add(action, "stays on record", blocking=VERIFIED)
        else:
            impact.add(action, "is deleted with it", step=_delete_step(action, impact))
