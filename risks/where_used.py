"""Where assets and controls are used in the risk register, and what a member owns in it
(``core.where_used``)."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from assets.models import Asset, AssetKind
from controls.models import Control
from core.where_used import UsageItem, usage_line, where_used_contributor
from organizations.models import Membership

from .models import ImpactAssessment, Risk, TreatmentAction


def _risk_item(organization):
    def item(risk):
        return UsageItem(
            label=f"{risk.reference} {risk.title}",
            url=reverse("risks:detail", args=[organization.slug, risk.pk]),
            note=f"{risk.get_level_display()} · {risk.get_status_display()}",
        )

    return item


def _risks_url(organization, **filters) -> str:
    return reverse("risks:list", args=[organization.slug]) + "?" + urlencode(filters)


@where_used_contributor(Asset)
def asset_risks(asset, *, organization, limit):
    yield usage_line(
        key="risks",
        title="Risks",
        queryset=Risk.objects.for_organization(organization)
        .filter(asset_links__asset=asset)
        .order_by("number"),
        item=_risk_item(organization),
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
        item=_risk_item(organization),
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
        item=_risk_item(organization),
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
        item=lambda action: UsageItem(
            label=str(action),
            url=reverse("risks:detail", args=[organization.slug, action.risk_id]) + "#actions",
            note=f"{action.get_status_display()} · due {date_format(action.due_date)}",
        ),
        limit=limit,
    )
