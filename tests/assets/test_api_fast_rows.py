"""The asset API builds its rows directly (``AssetSerializer.to_representation``);
they must be exactly what the generic ``ModelSerializer`` path answers."""

from rest_framework import serializers

from assets import selectors
from assets.models import Asset, AssetRelation
from assets.serializers import AssetSerializer
from tests.factories import AISystemFactory, AssetFactory


def test_fast_rows_equal_the_generic_serializer(acme, alice, bob):
    server = AssetFactory(organization=acme, owner=alice, name="Inference server", tags=["pii", "prod"])
    system = AISystemFactory(organization=acme, owner=bob, custodian=alice, name="Claims assistant")
    lonely = AssetFactory(organization=acme, owner=alice, name="Spare laptop", location="Lyon")
    AssetRelation.objects.create(
        organization=acme, source=system, target=server, type="hosted_on", note="GPU"
    )
    AssetRelation.objects.create(organization=acme, source=lonely, target=system, type="uses")

    assets = selectors.assets_with_relations(
        Asset.objects.for_organization(acme).select_related("owner", "custodian")
    ).order_by("name")
    serializer = AssetSerializer(context={"organization": acme})
    rows = [serializer.to_representation(asset) for asset in assets]
    generic = [serializers.ModelSerializer.to_representation(serializer, asset) for asset in assets]
    assert rows == [dict(row) for row in generic]
    assert [len(row["relations"]) for row in rows] == [2, 1, 1]
    assert rows[0]["custodian"] == "alice" and rows[0]["group"] == "ai"
