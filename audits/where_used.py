"""What uses a record of the audit programme, and where its records use those below it
(``core.where_used``), each linked to its page:

- an asset: the audits whose scope names it; an impact assessment: those naming its AI system;
- a risk and an SoA row: the checklist items that tested their controls, with the results,
  and the findings raised on them;
- an audit: its findings, their corrective actions, the SoA version it audits, its packs and
  the management reviews that took its results as an input;
- a finding: its checklist item and its corrective actions; a corrective action: the finding
  or management review it comes from; a management review: its actions and the audits it
  reviewed;
- a member: the audits they lead or are on the team of, and the corrective actions they own.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from assets.models import Asset
from core.where_used import UsageItem, UsageLine, usage_line, where_used_contributor
from organizations.models import Membership
from risks.models import ImpactAssessment, Risk
from soa.models import SoAEntry

from .models import Audit, AuditTeamMember, ChecklistItem, CorrectiveAction, Finding, ManagementReview
from .pack.requests import audit_packs_for


def _audit_item(organization):
    def item(audit):
        return UsageItem(
            label=str(audit),
            url=reverse("audits:detail", args=[organization.slug, audit.pk]),
            note=f"{audit.get_status_display()} · {date_format(audit.planned_start)}",
        )

    return item


def _audits_url(organization, **filters) -> str:
    return reverse("audits:list", args=[organization.slug]) + "?" + urlencode(filters)


def _check_item(organization):
    def item(check):
        return UsageItem(
            label=str(check),
            url=reverse("audits:checklist_item", args=[organization.slug, check.audit_id, check.pk]),
            note=check.get_result_display() if check.result else "Not recorded yet",
        )

    return item


def _finding_item(organization):
    def item(finding):
        return UsageItem(
            label=f"{finding.reference} {finding.description[:60]}",
            url=reverse("audits:finding_detail", args=[organization.slug, finding.pk]),
            note=f"{finding.get_severity_display()} · {finding.get_status_display()}",
        )

    return item


def _action_item(organization):
    def item(action):
        return UsageItem(
            label=str(action),
            url=reverse("audits:action_detail", args=[organization.slug, action.pk]),
            note=f"{action.get_status_display()} · due {date_format(action.due_date)}",
        )

    return item


def _actions_url(organization, **filters) -> str:
    return reverse("audits:actions", args=[organization.slug]) + "?" + urlencode(filters)


def _review_item(organization):
    def item(review):
        return UsageItem(
            label=str(review),
            url=reverse("audits:review_detail", args=[organization.slug, review.pk]),
        )

    return item


@where_used_contributor(Asset)
def asset_audits(asset, *, organization, limit):
    yield usage_line(
        key="audits",
        title="Audits whose scope names it",
        queryset=Audit.objects.for_organization(organization)
        .filter(assets=asset)
        .order_by("-planned_start", "-number"),
        item=_audit_item(organization),
        limit=limit,
        all_url=_audits_url(organization, asset=asset.pk),
    )


@where_used_contributor(ImpactAssessment)
def assessment_audits(assessment, *, organization, limit):
    yield usage_line(
        key="audits",
        title="Audits whose scope names its AI system",
        queryset=Audit.objects.for_organization(organization)
        .filter(assets=assessment.ai_system_id)
        .order_by("-planned_start", "-number"),
        item=_audit_item(organization),
        limit=limit,
        all_url=_audits_url(organization, asset=assessment.ai_system_id),
    )


def _checks_and_findings(*, organization, limit, title, on_controls: dict, findings_url=""):
    """The checklist items of the organization's audits on some controls (``on_controls``,
    lookups from the item), newest audit first, and the findings raised on them."""
    yield usage_line(
        key="audit_checks",
        title=title,
        queryset=ChecklistItem.objects.for_organization(organization)
        .filter(**on_controls)
        .select_related("audit", "control")
        .order_by("-audit__planned_start", "-audit__number", "position"),
        item=_check_item(organization),
        limit=limit,
        empty_text="Not audited yet.",
    )
    yield usage_line(
        key="findings",
        title="Findings raised on them",
        queryset=Finding.objects.for_organization(organization)
        .filter(**{f"checklist_item__{lookup}": value for lookup, value in on_controls.items()})
        .order_by("-audit__number", "number"),
        item=_finding_item(organization),
        limit=limit,
        all_url=findings_url,
    )


@where_used_contributor(Risk)
def risk_audits(risk, *, organization, limit):
    yield from _checks_and_findings(
        organization=organization,
        limit=limit,
        title="Audit checks of its treatment controls",
        on_controls={"control__risk_links__risk": risk},
    )


@where_used_contributor(SoAEntry)
def entry_audits(entry, *, organization, limit):
    yield from _checks_and_findings(
        organization=organization,
        limit=limit,
        title="Audit checks of its control",
        on_controls={"control_id": entry.control_id},
        findings_url=reverse("audits:findings", args=[organization.slug]) + f"?control={entry.control_id}",
    )


@where_used_contributor(Audit)
def audit_uses(audit, *, organization, limit):
    yield usage_line(
        key="findings",
        title="Findings",
        queryset=Finding.objects.for_organization(organization).filter(audit=audit).order_by("number"),
        item=_finding_item(organization),
        limit=limit,
        all_url=reverse("audits:findings", args=[organization.slug]) + f"?audit={audit.pk}",
        empty_text="No finding raised.",
    )
    yield usage_line(
        key="corrective_actions",
        title="Corrective actions on its findings",
        queryset=CorrectiveAction.objects.for_organization(organization)
        .filter(finding__audit=audit)
        .order_by("due_date", "number"),
        item=_action_item(organization),
        limit=limit,
        all_url=_actions_url(organization, audit=audit.pk),
    )
    version = audit.soa_version
    yield UsageLine(
        key="soa_version",
        title="SoA version it audits",
        count=1 if version else 0,
        items=[
            UsageItem(
                label=str(version),
                url=reverse("soa:version_detail", args=[organization.slug, version.number]),
                note=f"approved {date_format(version.approved_at.date())}",
            )
        ]
        if version
        else [],
        empty_text="Fixed when the audit starts.",
    )
    pack_page = reverse("audit-pack", kwargs={"organization_slug": organization.slug, "pk": audit.pk})
    yield usage_line(
        key="packs",
        title="Audit packs generated",
        queryset=audit_packs_for(organization, audit_id=audit.pk),
        item=lambda pack: UsageItem(
            label=pack.title,
            url=f"{pack_page}?highlight={pack.pk}#document-{pack.pk}",
            note=f"{pack.get_status_display()} · {date_format(pack.requested_at.date())}",
        ),
        limit=limit,
        all_url=pack_page,
    )
    # A review stores the audits it took as inputs by reference (the inputs are a snapshot).
    yield usage_line(
        key="management_reviews",
        title="Management reviews that took its results as an input",
        queryset=ManagementReview.objects.for_organization(organization)
        .filter(inputs__icontains=f'"{audit.reference}"')
        .order_by("-date", "-number"),
        item=_review_item(organization),
        limit=limit,
    )


@where_used_contributor(Finding)
def finding_uses(finding, *, organization, limit):
    check = finding.checklist_item
    yield UsageLine(
        key="checklist_item",
        title="Checklist item it was raised on",
        count=1,
        items=[_check_item(organization)(check)],
    )
    yield usage_line(
        key="corrective_actions",
        title="Corrective actions",
        queryset=CorrectiveAction.objects.for_organization(organization)
        .filter(finding=finding)
        .order_by("due_date", "number"),
        item=_action_item(organization),
        limit=limit,
        all_url=_actions_url(organization, finding=finding.pk),
        empty_text="No corrective action yet.",
    )


@where_used_contributor(CorrectiveAction)
def action_source(action, *, organization, limit):
    # The action's own finding or review: of its organization, as the action is.
    if action.finding_id:
        finding = action.finding
        yield UsageLine(
            key="finding",
            title="Finding it corrects",
            count=1,
            items=[_finding_item(organization)(finding)],
        )
        yield UsageLine(
            key="audit",
            title="Audit that raised the finding",
            count=1,
            items=[_audit_item(organization)(finding.audit)],
        )
    else:
        yield UsageLine(
            key="management_review",
            title="Management review that decided it",
            count=1,
            items=[_review_item(organization)(action.review)],
        )


@where_used_contributor(ManagementReview)
def review_uses(review, *, organization, limit):
    yield usage_line(
        key="corrective_actions",
        title="Actions it decided",
        queryset=CorrectiveAction.objects.for_organization(organization)
        .filter(review=review)
        .order_by("due_date", "number"),
        item=_action_item(organization),
        limit=limit,
        all_url=_actions_url(organization, review=review.pk),
        empty_text="No action decided.",
    )
    numbers = [
        int(reference.removeprefix("AUD-"))
        for audit in (review.inputs or {}).get("audits", [])
        if (reference := str(audit.get("reference", ""))).removeprefix("AUD-").isdigit()
    ]
    yield usage_line(
        key="audits",
        title="Audits whose results it reviewed",
        queryset=Audit.objects.for_organization(organization)
        .filter(number__in=numbers)
        .order_by("actual_end", "number"),
        item=_audit_item(organization),
        limit=limit,
        empty_text="No audit closed in the period.",
    )


@where_used_contributor(Membership)
def member_audits(membership, *, organization, limit):
    on_team = AuditTeamMember.objects.filter(user_id=membership.user_id).values("audit_id")
    yield usage_line(
        key="audits",
        title="Audits they lead or are on the team of",
        queryset=Audit.objects.for_organization(organization)
        .filter(Q(lead_auditor_id=membership.user_id) | Q(pk__in=on_team))
        .order_by("-planned_start", "-number"),
        item=_audit_item(organization),
        limit=limit,
        all_url=_audits_url(organization, auditor=membership.user_id),
    )


@where_used_contributor(Membership)
def member_corrective_actions(membership, *, organization, limit):
    yield usage_line(
        key="corrective_actions",
        title="Corrective actions owned",
        queryset=CorrectiveAction.objects.for_organization(organization)
        .filter(owner_id=membership.user_id)
        .order_by("due_date", "number"),
        item=_action_item(organization),
        limit=limit,
        all_url=_actions_url(organization, owner=membership.user_id),
    )
