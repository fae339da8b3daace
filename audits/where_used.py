"""The audits whose scope names an asset, and the corrective actions a member owns
(``core.where_used``), each linked to its page."""

from django.urls import reverse
from django.utils.formats import date_format

from assets.models import Asset
from core.where_used import UsageItem, usage_line, where_used_contributor
from organizations.models import Membership

from .models import Audit, CorrectiveAction


@where_used_contributor(Asset)
def asset_audits(asset, *, organization, limit):
    yield usage_line(
        key="audits",
        title="Audits whose scope names it",
        queryset=Audit.objects.for_organization(organization)
        .filter(assets=asset)
        .order_by("-planned_start", "-number"),
        item=lambda audit: UsageItem(
            label=str(audit),
            url=reverse("audits:detail", args=[organization.slug, audit.pk]),
            note=f"{audit.get_status_display()} · {date_format(audit.planned_start)}",
        ),
        limit=limit,
        all_url=reverse("audits:list", args=[organization.slug]) + f"?asset={asset.pk}",
    )


@where_used_contributor(Membership)
def member_corrective_actions(membership, *, organization, limit):
    yield usage_line(
        key="corrective_actions",
        title="Corrective actions owned",
        queryset=CorrectiveAction.objects.for_organization(organization)
        .filter(owner_id=membership.user_id)
        .order_by("due_date", "number"),
        item=lambda action: UsageItem(
            label=str(action),
            url=reverse("audits:action_detail", args=[organization.slug, action.pk]),
            note=f"{action.get_status_display()} · due {date_format(action.due_date)}",
        ),
        limit=limit,
        all_url=reverse("audits:actions", args=[organization.slug]) + f"?owner={membership.user_id}",
    )
