"""The inventory page's figures over the whole inventory are cached per organization
and read fresh after any asset or relation write (the inventory generation)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets import selectors, services
from assets.models import InventoryGeneration

pytestmark = pytest.mark.django_db


def _figures(client):
    response = client.get("/o/acme/assets/")
    assert response.status_code == 200
    return response.context["summary"], response.context["tags_in_use"]


def test_a_second_view_reads_the_figures_from_the_cache(acme, alice):
    services.asset_create(
        organization=acme, actor=alice, values={"name": "Mail server", "kind": "service", "owner": alice}
    )
    selectors.inventory_figures(acme)
    with CaptureQueriesContext(connection) as captured:
        figures = selectors.inventory_figures(acme)
    assert len(captured.captured_queries) == 1  # the generation only
    assert figures["summary"]["total"] == 1


def test_every_asset_and_relation_write_changes_the_figures(client, acme, alice, globex, charlie):
    client.force_login(alice)
    assert _figures(client)[0]["total"] == 0
    server = services.asset_create(
        organization=acme,
        actor=alice,
        values={"name": "Mail server", "kind": "service", "owner": alice, "tags": ["mail"]},
    )
    summary, tags = _figures(client)
    assert (summary["total"], summary["critical"], tags) == (1, 0, ["mail"])

    services.asset_update(asset=server, actor=alice, values={"criticality": "critical", "tags": ["smtp"]})
    summary, tags = _figures(client)
    assert (summary["critical"], tags) == (1, ["smtp"])

    model = services.asset_create(
        organization=acme, actor=alice, values={"name": "Spam filter", "kind": "software", "owner": alice}
    )
    relation = services.asset_relation_create(
        organization=acme, actor=alice, source=model, target=server, type="uses"
    )
    before = InventoryGeneration.objects.get(organization=acme).number
    services.asset_relation_delete(relation=relation, actor=alice)
    assert InventoryGeneration.objects.get(organization=acme).number == before + 1
    assert _figures(client)[0]["total"] == 2

    services.asset_delete(asset=model, actor=alice)
    assert _figures(client)[0]["total"] == 1


def test_another_organizations_writes_leave_the_cached_figures_alone(client, acme, alice, globex, charlie):
    services.asset_create(
        organization=acme, actor=alice, values={"name": "Mail server", "kind": "service", "owner": alice}
    )
    client.force_login(alice)
    _figures(client)
    services.asset_create(
        organization=globex, actor=charlie, values={"name": "Their box", "kind": "service", "owner": charlie}
    )
    assert not InventoryGeneration.objects.filter(organization=acme, number__gt=1).exists()
    assert _figures(client)[0]["total"] == 1
