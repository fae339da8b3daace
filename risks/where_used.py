"""Where assets and controls are used in the risk register, what uses a risk or an impact
assessment there, and what a member owns in it (``core.where_used``)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from assets.models import Asset, AssetKind, AssetRelation
from controls.models import Control
from core.where_used import UsageItem, UsageLine, usage_line, where_used_contributor
from organizations.models import Membership

from .models import ImpactAssessment, ImpactItem, Risk, TreatmentAction
from .selectors import latest_assessments


def risk_item(organization):
    def item(risk):
        return UsageItem(
            label=f"{risk.reference} {risk.title}",
            url=reverse("risks:detail", args=[organization.slug, risk.pk]),
            note=f"{risk.get_level_display()} · {risk.get_status_display()}",
        )

    return item


def _risks_url(organization, **filters) -> str:
    return reverse("risks:list", args=[organization.slug]) + "?" + urlencode(filters)


def _assessment_item(organization):
    def item(assessment):
        system = assessment.ai_system
        return UsageItem(
            label=f"{system.identifier} {system.name}, version {assessment.version}",
            url=reverse("risks:assessment_detail", args=[organization.slug, assessment.pk]),
            note=assessment.get_status_display(),
        )

    return item


def _treatment_action_item(organization):
    def item(action):
        return UsageItem(
            label=str(action),
            url=reverse("risks:detail", args=[organization.slug, action.risk_id]) + "#actions",
            note=f"{action.get_status_display()} · due {date_format(action.due_date)}",
        )

    return item


@where_used_contributor(Asset)
def asset_risks(asset, *, organization, limit):
    yield usage_line(
        key="risks",
        title="Risks",
        queryset=Risk.objects.for_organization(organization)
        .filter(asset_links__asset=asset)
        .order_by("number"),
        item=risk_item(organization),
        limit=limit,
        all_url=_risks_url(organization, asset=asset.identifier),
        add_url=reverse("risks:create", args=[organization.slug]) + "?" + urlencode({"asset": asset.pk}),
        add_label="Record a risk",
    )
    if asset.is_ai:
        line = usage_line(
            key="impact_assessments",
            title="Impact assessments",
            queryset=ImpactAssessment.objects.for_organization(organization)
            .filter(ai_system=asset)
            .select_related("ai_system")
            .order_by("-version"),
            item=lambda assessment: UsageItem(
                label=f"Version {assessment.version}",
                url=reverse("risks:assessment_detail", args=[organization.slug, assessment.pk]),
                note=assessment.get_status_display(),
            ),
            limit=limit,
            empty_text="Not assessed yet.",
        )
        # An AI system is assessed from here once; later versions start from the assessment.
        if asset.kind == AssetKind.AI_SYSTEM and not line.count:
            line.add_url = reverse("risks:assessment_create", args=[organization.slug])
            line.add_url += "?" + urlencode({"ai_system": asset.pk})
            line.add_label = "Assess its impact"
        yield line


@where_used_contributor(Control)
def control_risks(control, *, organization, limit):
    yield usage_line(
        key="risks",
        title="Risks it treats",
        queryset=Risk.objects.for_organization(organization)
        .filter(control_links__control=control)
        .order_by("number"),
        item=risk_item(organization),
        limit=limit,
        all_url=_risks_url(organization, control=control.pk),
    )


@where_used_contributor(Membership)
def member_risks(membership, *, organization, limit):
    yield usage_line(
        key="risks",
        title="Risks owned",
        queryset=Risk.objects.for_organization(organization)
        .filter(owner_id=membership.user_id)
        .order_by("number"),
        item=risk_item(organization),
        limit=limit,
        all_url=_risks_url(organization, owner=membership.user_id),
    )
    yield usage_line(
        key="treatment_actions",
        title="Treatment actions owned",
        queryset=TreatmentAction.objects.for_organization(organization)
        .filter(owner_id=membership.user_id)
        .select_related("risk")
        .order_by("due_date", "id"),
        item=_treatment_action_item(organization),
        limit=limit,
    )
    yield usage_line(
        key="impact_assessments",
        title="Impact assessments led",
        queryset=latest_assessments(organization)
        .filter(owner_id=membership.user_id)
        .order_by("ai_system__identifier"),
        item=_assessment_item(organization),
        limit=limit,
        all_url=reverse("risks:assessment_list", args=[organization.slug]) + f"?owner={membership.user_id}",
    )


@where_used_contributor(Risk)
def risk_assessments_and_actions(risk, *, organization, limit):
    raising = ImpactItem.objects.filter(risk=risk).values("assessment_id")
    yield usage_line(
        key="impact_assessments",
        title="Impact assessments that raised it",
        queryset=ImpactAssessment.objects.for_organization(organization)
        .filter(pk__in=raising)
        .select_related("ai_system")
        .order_by("ai_system__identifier", "-version"),
        item=_assessment_item(organization),
        limit=limit,
    )
    yield usage_line(
        key="treatment_actions",
        title="Treatment actions",
        queryset=TreatmentAction.objects.for_organization(organization)
        .filter(risk=risk)
        .select_related("risk")
        .order_by("due_date", "id"),
        item=_treatment_action_item(organization),
        limit=limit,
        all_url=reverse("risks:detail", args=[organization.slug, risk.pk]) + "#actions",
        empty_text="No treatment action planned.",
    )


@where_used_contributor(ImpactAssessment)
def assessment_system_and_risks(assessment, *, organization, limit):
    system = assessment.ai_system
    yield UsageLine(
        key="ai_system",
        title="AI system it assesses",
        count=1,
        items=[
            UsageItem(
                label=f"{system.identifier} {system.name}",
                url=reverse("assets:detail", args=[organization.slug, system.pk]),
                note=system.get_kind_display(),
            )
        ],
    )

    def linked(relation):
        other = relation.target if relation.source_id == system.pk else relation.source
        return UsageItem(
            label=f"{other.identifier} {other.name}",
            url=reverse("assets:detail", args=[organization.slug, other.pk]),
            note=other.get_kind_display(),
        )

    yield usage_line(
        key="assets",
        title="Assets linked to the AI system",
        queryset=AssetRelation.objects.for_organization(organization)
        .filter(Q(source=system) | Q(target=system))
        .select_related("source", "target")
        .order_by("id"),
        item=linked,
        limit=limit,
        all_url=reverse("assets:detail", args=[organization.slug, system.pk]) + "#relations",
    )
    raised = ImpactItem.objects.filter(assessment=assessment, risk_id__isnull=False).values("risk_id")
    yield usage_line(
        key="risks",
        title="Risks raised from its impacts",
        queryset=Risk.objects.for_organization(organization).filter(pk__in=raised).order_by("number"),
        item=risk_item(organization),
        limit=limit,
        all_url=_risks_url(organization, assessment=assessment.pk),
        empty_text="No impact has raised a risk yet.",
    )
