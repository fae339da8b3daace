"""The organization's SoA decision on a control and on its crosswalk counterparts, and the
SoA rows a member owns (``core.where_used``)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from controls.models import Control, Mapping
from core.where_used import UsageItem, UsageLine, usage_line, where_used_contributor
from organizations.models import Membership

from .models import SoAEntry


def decision_text(entry: SoAEntry) -> str:
    """One row's decision in a few words: "Applicable · Implemented", "Not applicable", "Undecided"."""
    if entry.applicable is None:
        return "Undecided"
    if entry.applicable is False:
        return "Not applicable"
    return f"Applicable · {entry.get_status_display()}"


def _soa_url(organization, control: Control) -> str:
    query = urlencode({"framework": control.framework.code, "search": control.reference})
    return reverse("soa:list", args=[organization.slug]) + "?" + query


def _entry_item(organization):
    def item(entry):
        control = entry.control
        return UsageItem(
            label=f"{control.framework.short_name} {control.reference} {control.title}",
            url=_soa_url(organization, control),
            note=decision_text(entry),
        )

    return item


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
    mapped = Q(control__in=Mapping.objects.filter(target=control).values("source")) | Q(
        control__in=Mapping.objects.filter(source=control).values("target")
    )
    yield usage_line(
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
