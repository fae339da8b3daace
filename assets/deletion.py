"""What deleting an asset affects in the inventory itself (``core.deletion``):
its links to other assets go with it, each with a history entry naming it."""

from functools import partial

from django.db.models import Q

from core.deletion import DeletionImpact, deletion_contributor
from core.services import record_delete

from .models import Asset, AssetRelation


@deletion_contributor(Asset)
def asset_relations_removed(impact: DeletionImpact) -> None:
    asset = impact.record
    relations = (
        AssetRelation.objects.for_organization(asset.organization)
        .filter(Q(source=asset) | Q(target=asset))
        .select_related("source", "target")
        .order_by("type", "id")
    )
    for relation in relations:
        impact.add(
            relation,
            "is removed",
            step=partial(record_delete, relation, actor=impact.actor, reason=f"{impact.reason} and unlinked"),
        )
