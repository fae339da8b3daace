"""Who is told when something is assigned to them (notifications).

The domain apps do not know the inbox exists: these receivers watch their records'
history (simple-history's ``post_create_historical_record``, sent for every save that
goes through ``core.services.record_save``, in the writer's transaction) and, when an
owner (of an asset, risk, treatment or corrective action, impact assessment or SoA row), a
reviewer, a lead auditor or an audit team member is newly set, send a
notification to that person, naming the actor the history names. Rows written in bulk
(``bulk_create_with_history``: imports) send no signal and tell nobody.
"""

from django.urls import reverse
from simple_history.signals import post_create_historical_record

from assets.models import Asset
from audits.models import Audit, AuditTeamMember, CorrectiveAction
from notifications.services import notification_send
from risks.models import ImpactAssessment, ImpactReviewer, Risk, TreatmentAction
from soa.models import SoAEntry

CREATED = "+"


def _changed(history_instance, field: str) -> bool:
    """Whether ``field`` (an ``_id`` column) has a value it did not have in the previous history row."""
    value = getattr(history_instance, field)
    if value is None:
        return False
    if history_instance.history_type == CREATED:
        return True
    previous = history_instance.prev_record
    return previous is None or getattr(previous, field) != value


def _url(name: str, organization, *args, anchor: str = "") -> str:
    return reverse(name, args=[organization.slug, *args]) + (f"#{anchor}" if anchor else "")


def _tell(instance, history_user, recipient, verb: str, label: str, url: str = "") -> None:
    notification_send(
        organization=instance.organization,
        recipient=recipient,
        actor=history_user,
        verb=verb,
        target_label=label,
        target_url=url,
    )


def asset_owner_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "owner_id"):
        url = _url("assets:detail", instance.organization, instance.pk)
        _tell(instance, history_user, instance.owner, "made you the owner of", f"asset {instance}", url)


def risk_owner_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "owner_id"):
        url = _url("risks:detail", instance.organization, instance.pk)
        _tell(instance, history_user, instance.owner, "made you the owner of", f"risk {instance}", url)


def treatment_action_owner_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "owner_id"):
        url = _url("risks:detail", instance.organization, instance.risk_id, anchor="treatment")
        label = f"the treatment action “{instance.description}” of risk {instance.risk.reference}"
        _tell(instance, history_user, instance.owner, "gave you", label, url)


def corrective_action_owner_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "owner_id"):
        url = _url("audits:action_detail", instance.organization, instance.pk)
        _tell(instance, history_user, instance.owner, "gave you", f"the corrective action {instance}", url)


def impact_assessment_owner_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "owner_id"):
        url = _url("risks:assessment_detail", instance.organization, instance.pk)
        label = f"the impact assessment of {instance.ai_system.name} (version {instance.version})"
        _tell(instance, history_user, instance.owner, "made you the owner of", label, url)


def soa_entry_owner_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "owner_id"):
        url = _url("soa:edit", instance.organization, instance.pk)
        control = instance.control
        label = f"the SoA row of {control.framework.short_name} {control.reference} {control.title}"
        _tell(instance, history_user, instance.owner, "made you the owner of", label, url)


def impact_reviewer_told(sender, instance, history_instance, history_user=None, **kwargs):
    if history_instance.history_type == CREATED:
        assessment = instance.assessment
        url = _url("risks:assessment_detail", instance.organization, assessment.pk, anchor="review-card")
        label = f"the impact assessment of {assessment.ai_system.name} (version {assessment.version})"
        _tell(instance, history_user, instance.user, "asked you to review", label, url)


def lead_auditor_told(sender, instance, history_instance, history_user=None, **kwargs):
    if _changed(history_instance, "lead_auditor_id"):
        url = _url("audits:detail", instance.organization, instance.pk)
        verb = "made you the lead auditor of"
        _tell(instance, history_user, instance.lead_auditor, verb, f"audit {instance}", url)


def audit_team_member_told(sender, instance, history_instance, history_user=None, **kwargs):
    if history_instance.history_type == CREATED:
        url = _url("audits:detail", instance.organization, instance.audit_id)
        verb = "added you to the team of"
        _tell(instance, history_user, instance.user, verb, f"audit {instance.audit}", url)


WATCHED = {
    Asset: asset_owner_told,
    Risk: risk_owner_told,
    TreatmentAction: treatment_action_owner_told,
    CorrectiveAction: corrective_action_owner_told,
    ImpactAssessment: impact_assessment_owner_told,
    ImpactReviewer: impact_reviewer_told,
    SoAEntry: soa_entry_owner_told,
    Audit: lead_auditor_told,
    AuditTeamMember: audit_team_member_told,
}


def connect() -> None:
    for model, receiver in WATCHED.items():
        post_create_historical_record.connect(
            receiver, sender=model.history.model, dispatch_uid=f"notify-{model._meta.label}"
        )
