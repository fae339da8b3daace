"""The organization's SoA decision on a control and on its crosswalk counterparts, what
uses an SoA row (the risks treating its control, its counterparts' rows), the decisions on
a risk's treatment controls, and the SoA rows a member owns (``core.where_used``)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from controls.models import Control, Mapping
from core.where_used import UsageItem, UsageLine, usage_line, where_used_contributor
from organizations.models import Membership
from risks.models import Risk
from risks.where_used import risk_item

from .models import SoAEntry


def decision_text(entry: SoAEntry) -> str:
    """One row's decision in a few words: "Applicable · Implemented", "Not applicable", "Undecided"."""
    if entry.applicable is None:
        return "Undecided"
    if entry.applicable is False:
        return "Not applicable"
    return f"Applicable · {entry.get_status_display()}"


def _entry_item(organization):
    def item(entry):
        control = entry.control
        return UsageItem(
            label=f"{control.framework.short_name} {control.reference} {control.title}",
            url=reverse("soa:detail", args=[organization.slug, entry.pk]),
            note=decision_text(entry),
        )

    return item


def _counterparts_line(control: Control, *, organization, limit) -> UsageLine:
    mapped = Q(control__in=Mapping.objects.filter(target=control).values("source")) | Q(
        control__in=Mapping.objects.filter(source=control).values("target")
    )
    return usage_line(
        key="counterpart_decisions",
        title="Crosswalk counterparts and their decisions",
        queryset=SoAEntry.objects.for_organization(organization)
        .filter(mapped)
        .select_related("control__framework")
        .order_by("control__framework__order", "control__order"),
        item=_entry_item(organization),
        limit=limit,
        all_url=reverse(
            "controls:control", args=[organization.slug, control.framework.code, control.reference]
        )
        + "#counterparts",
        empty_text="No crosswalk counterpart.",
    )


@where_used_contributor(Control)
def control_decisions(control, *, organization, limit):
    entry = (
        SoAEntry.objects.for_organization(organization)
        .filter(control=control)
        .select_related("control__framework")
        .first()
    )
    yield UsageLine(
        key="soa_decision",
        title="SoA decision",
        count=1 if entry else 0,
        items=[_entry_item(organization)(entry)] if entry else [],
        empty_text="Not in the Statement of Applicability.",
    )
    yield _counterparts_line(control, organization=organization, limit=limit)


@where_used_contributor(SoAEntry)
def entry_risks_and_counterparts(entry, *, organization, limit):
    control = entry.control
    yield usage_line(
        key="risks",
        title="Risks its control treats",
        queryset=Risk.objects.for_organization(organization)
        .filter(control_links__control_id=control.pk)
        .order_by("number"),
        item=risk_item(organization),
        limit=limit,
        all_url=reverse("risks:list", args=[organization.slug]) + "?" + urlencode({"control": control.pk}),
        empty_text="No risk of the register is treated with it.",
    )
    yield _counterparts_line(control, organization=organization, limit=limit)


@where_used_contributor(Risk)
def risk_decisions(risk, *, organization, limit):
    yield usage_line(
        key="soa_rows",
        title="SoA decisions on its treatment controls",
        queryset=SoAEntry.objects.for_organization(organization)
        .filter(control__risk_links__risk=risk)
        .select_related("control__framework")
        .order_by("control__framework__order", "control__order"),
        item=_entry_item(organization),
        limit=limit,
        all_url=reverse("soa:list", args=[organization.slug]) + f"?risk={risk.pk}",
        empty_text="No treatment control chosen.",
    )


@where_used_contributor(Membership)
def member_soa_rows(membership, *, organization, limit):
    yield usage_line(
        key="soa_rows",
        title="SoA rows owned",
        queryset=SoAEntry.objects.for_organization(organization)
        .filter(owner_id=membership.user_id)
        .select_related("control__framework")
        .order_by("control__framework__order", "control__order"),
        item=_entry_item(organization),
        limit=limit,
        all_url=reverse("soa:list", args=[organization.slug]) + f"?owner={membership.user_id}",
    )
