"""Where assets are used, and what a member owns in the inventory (``core.where_used``)."""

from django.db.models import Q
from django.urls import reverse

from core.where_used import UsageItem, usage_line, where_used_contributor
from organizations.models import Membership

from .models import Asset, AssetRelation


@where_used_contributor(Asset)
def asset_relations(asset, *, organization, limit):
    def item(relation):
        outgoing = relation.source_id == asset.pk
        other = relation.target if outgoing else relation.source
        verb = relation.get_type_display() if outgoing else relation.inverse_label
        return UsageItem(
            label=f"{other.identifier} {other.name}",
            url=reverse("assets:detail", args=[organization.slug, other.pk]),
            note=verb,
        )

    yield usage_line(
        key="relations",
        title="Linked assets",
        queryset=AssetRelation.objects.for_organization(organization)
        .filter(Q(source=asset) | Q(target=asset))
        .select_related("source", "target")
        .order_by("id"),
        item=item,
        limit=limit,
        all_url=reverse("assets:detail", args=[organization.slug, asset.pk]) + "#relations",
    )


@where_used_contributor(Membership)
def member_assets(membership, *, organization, limit):
    yield usage_line(
        key="assets",
        title="Assets owned",
        queryset=Asset.objects.for_organization(organization)
        .filter(owner_id=membership.user_id)
        .order_by("identifier"),
        item=lambda asset: UsageItem(
            label=f"{asset.identifier} {asset.name}",
            url=reverse("assets:detail", args=[organization.slug, asset.pk]),
            note=asset.get_kind_display(),
        ),
        limit=limit,
        all_url=reverse("assets:list", args=[organization.slug]) + f"?owner={membership.user_id}",
    )
