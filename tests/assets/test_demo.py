from django.core.management import call_command

from assets.demo import DEMO_ASSETS, demo_assets_create
from assets.models import Asset, AssetRelation


def test_the_demo_inventory_is_created_once(acme, alice):
    created = demo_assets_create(organization=acme, actor=alice)
    assert len(created) == len(DEMO_ASSETS)
    assert demo_assets_create(organization=acme, actor=alice) == []
    assistant = Asset.objects.get(organization=acme, name="Claims triage assistant")
    linked = set(AssetRelation.objects.filter(source=assistant).values_list("type", "target__name"))
    assert ("uses", "Claims triage model v3") in linked
    assert ("hosted_on", "ML inference cluster") in linked


def test_seed_demo_creates_the_inventory(db, settings):
    call_command("seed_demo")
    assert Asset.objects.filter(organization__slug=settings.DEMO_ORGANIZATION_SLUG).count() == len(
        DEMO_ASSETS
    )
    call_command("seed_demo")
    assert Asset.objects.filter(organization__slug=settings.DEMO_ORGANIZATION_SLUG).count() == len(
        DEMO_ASSETS
    )
