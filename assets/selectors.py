"""Reads of the asset inventory. Every query starts from the organization."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.fields import tags_parse
from core.history import FieldChange, HistoryEntry, known_rows, who_did
from organizations.models import Organization

from .models import (
    AI_KINDS,
    RELATION_INVERSE_LABELS,
    AIRiskClass,
    Asset,
    AssetRelation,
    Criticality,
    InventoryGeneration,
    LifecycleStatus,
    RelationType,
)


def assets_for(organization: Organization) -> QuerySet[Asset]:
    """The organization's assets with what every list shows (owner, custodian)."""
    return Asset.objects.for_organization(organization).select_related("owner", "custodian")


def asset_get(*, organization: Organization, asset_id: int, with_relations: bool = False) -> Asset:
    """One asset of the organization, or 404 (also for another organization's id)."""
    queryset = assets_for(organization)
    if with_relations:
        queryset = assets_with_relations(queryset)
    return get_object_or_404(queryset, pk=asset_id)


def assets_with_relations(queryset: QuerySet[Asset]) -> QuerySet[Asset]:
    """``queryset`` with both directions of relations fetched in two queries."""
    related = ("id", "identifier", "name", "kind")
    return queryset.prefetch_related(
        Prefetch(
            "relations_out",
            queryset=AssetRelation.objects.select_related("target").only(
                "id", "type", "note", "source_id", "target_id", *(f"target__{f}" for f in related)
            ),
        ),
        Prefetch(
            "relations_in",
            queryset=AssetRelation.objects.select_related("source").only(
                "id", "type", "note", "source_id", "target_id", *(f"source__{f}" for f in related)
            ),
        ),
    )


@dataclass
class RelationView:
    """One relation as seen from one of its two assets."""

    relation: AssetRelation
    label: str
    other: Asset
    outgoing: bool


def relations_of(asset: Asset) -> list[RelationView]:
    """Both directions, outgoing first: "Uses model X" then "Used by system Y".

    Works from prefetched relations (``assets_with_relations``) when there are.
    """
    order = {value: index for index, value in enumerate(RelationType.values)}
    outgoing = sorted(asset.relations_out.all(), key=lambda r: (order[r.type], r.target.name))
    incoming = sorted(asset.relations_in.all(), key=lambda r: (order[r.type], r.source.name))
    return [RelationView(r, r.get_type_display(), r.target, True) for r in outgoing] + [
        RelationView(r, RELATION_INVERSE_LABELS[r.type], r.source, False) for r in incoming
    ]


#: What a relation brief reads of the asset at the other end.


def relations_for(organization: Organization) -> QuerySet[AssetRelation]:
    return AssetRelation.objects.for_organization(organization).select_related("source", "target")


def relation_get(*, organization: Organization, relation_id: int) -> AssetRelation:
    return get_object_or_404(relations_for(organization), pk=relation_id)


def asset_tags_in_use(organization: Organization) -> list[str]:
    """Every tag used in the organization, sorted (one query over distinct tag sets)."""
    tag_sets = (
        Asset.objects.for_organization(organization)
        .exclude(tags="")
        .order_by()
        .values_list("tags", flat=True)
        .distinct()
    )
    return sorted({tag for tags in tag_sets for tag in tags_parse(tags)})


#: How long cached inventory figures live; a write makes them unread at once anyway.
INVENTORY_FIGURES_SECONDS = 24 * 3600


def inventory_figures(organization: Organization) -> dict:
    """The list page's figures over the whole inventory — ``summary`` (``asset_summary``)
    and ``tags`` (``asset_tags_in_use``) — cached per organization under its inventory
    generation, which every asset and relation write raises (``services.inventory_changed``):
    one small read instead of two scans of the inventory on every view."""
    generation = (
        InventoryGeneration.objects.filter(organization=organization).values_list("number", flat=True).first()
        or 0
    )
    key = f"assets:inventory-figures:{organization.pk}:{generation}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "summary": asset_summary(Asset.objects.for_organization(organization)),
            "tags": asset_tags_in_use(organization),
        }
        cache.set(key, figures, INVENTORY_FIGURES_SECONDS)
    return figures


def asset_summary(queryset: QuerySet[Asset]) -> dict[str, int]:
    """Head counts of ``queryset`` in one query: total, AI, high/critical, high-risk AI, retired."""
    return queryset.order_by().aggregate(
        total=Count("id"),
        ai=Count("id", filter=Q(kind__in=sorted(AI_KINDS))),
        critical=Count("id", filter=Q(criticality__in=[Criticality.HIGH, Criticality.CRITICAL])),
        high_risk_ai=Count("id", filter=Q(ai_risk_class__in=[AIRiskClass.HIGH, AIRiskClass.PROHIBITED])),
        retired=Count("id", filter=Q(lifecycle_status=LifecycleStatus.RETIRED)),
    )


def asset_lookup(*, organization: Organization, query: str, exclude_id: int | None = None, limit: int = 20):
    """Assets whose identifier or name contains ``query``, for pickers."""
    queryset = Asset.objects.for_organization(organization).only("id", "identifier", "name", "kind")
    if query:
        queryset = queryset.filter(Q(identifier__icontains=query) | Q(name__icontains=query))
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return list(queryset.order_by("name", "id")[:limit])


def asset_by_reference(*, organization: Organization, reference: str) -> Asset | None:
    """The asset named by its identifier, by "identifier — name" as pickers
    show it, or by its exact name when only one asset has it."""
    reference = reference.strip()
    if not reference:
        return None
    queryset = Asset.objects.for_organization(organization)
    identifier = reference.split(" — ", 1)[0].strip()
    found = queryset.filter(identifier__iexact=identifier).first()
    if found is not None:
        return found
    by_name = list(queryset.filter(name__iexact=reference)[:2])
    return by_name[0] if len(by_name) == 1 else None


_RELATION_VERBS = {"+": "Linked", "-": "Unlinked"}


def asset_related_history(asset_id: int) -> list[HistoryEntry]:
    """The links made to and from an asset, and removed, as entries of its history
    (woven in by ``core.history.record_history``; see ``assets.apps``). The asset at
    the other end is named as it was last known, also once deleted."""
    records = list(
        AssetRelation.history.filter(Q(source_id=asset_id) | Q(target_id=asset_id))
        .filter(history_type__in=["+", "-"])
        .select_related("history_user")
    )
    others = known_rows(
        Asset, {r.target_id if r.source_id == asset_id else r.source_id for r in records} | {asset_id}
    )
    entries = []
    for record in records:
        outgoing = record.source_id == asset_id
        other = others.get(record.target_id if outgoing else record.source_id)
        name = (
            "(deleted)"
            if other is None
            else f"{other} (deleted)"
            if getattr(other, "_deleted", False)
            else str(other)
        )
        label = RelationType(record.type).label if outgoing else RELATION_INVERSE_LABELS[record.type]
        link = f"{label} {name}"
        new, old = (link, "—") if record.history_type == "+" else ("—", link)
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who_did(record),
                action=_RELATION_VERBS[record.history_type],
                reason=record.history_change_reason or "",
                changes=[FieldChange(field="relation", label="Link", old=old, new=new)],
            )
        )
    return entries
