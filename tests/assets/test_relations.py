"""Typed links between assets: same organization, no self-links, no duplicates, sensible kinds."""

import pytest
from django.core.exceptions import ValidationError

from assets import services
from assets.models import AssetRelation
from tests.factories import AIModelFactory, AssetFactory, DatasetFactory


def _link(organization, actor, source, target, type):
    return services.asset_relation_create(
        organization=organization, actor=actor, source=source, target=target, type=type
    )


def test_an_ai_system_uses_a_model_trained_on_a_dataset(acme, alice, acme_ai):
    model = AIModelFactory(organization=acme, owner=alice)
    dataset = DatasetFactory(organization=acme, owner=alice)
    _link(acme, alice, acme_ai, model, "uses")
    _link(acme, alice, model, dataset, "trained_on")
    assert AssetRelation.objects.count() == 2


def test_an_asset_cannot_be_linked_to_itself(acme, alice, acme_server):
    with pytest.raises(ValidationError) as caught:
        _link(acme, alice, acme_server, acme_server, "uses")
    assert caught.value.message_dict == {"target": ["An asset cannot be linked to itself."]}


def test_the_same_link_twice_is_refused(acme, alice, acme_ai, acme_server):
    _link(acme, alice, acme_ai, acme_server, "hosted_on")
    with pytest.raises(ValidationError) as caught:
        _link(acme, alice, acme_ai, acme_server, "hosted_on")
    assert "These two assets are already linked this way." in caught.value.messages


def test_a_link_cannot_cross_organizations(acme, globex, alice, charlie, acme_ai):
    foreign = AssetFactory(organization=globex, owner=charlie)
    with pytest.raises(ValidationError) as caught:
        _link(acme, alice, acme_ai, foreign, "hosted_on")
    assert caught.value.message_dict == {"target": ["Both assets must belong to the same organization."]}
    assert not AssetRelation.objects.exists()


def test_links_must_make_sense_for_the_kinds(acme, alice, acme_ai, acme_server):
    with pytest.raises(ValidationError) as caught:
        _link(acme, alice, acme_ai, acme_server, "trained_on")
    assert "Dataset" in caught.value.message_dict["target"][0]
    with pytest.raises(ValidationError) as caught:
        _link(acme, alice, acme_server, acme_ai, "hosted_on")
    assert "must point to one of" in caught.value.message_dict["target"][0]


def test_the_asset_page_shows_both_directions(client, acme, alice, password, acme_ai):
    model = AIModelFactory(organization=acme, owner=alice, name="Triage model v3")
    _link(acme, alice, acme_ai, model, "uses")
    client.login(username="alice", password=password)
    system_page = client.get(f"/o/acme/assets/{acme_ai.pk}/").content.decode()
    assert "Uses" in system_page and "Triage model v3" in system_page
    model_page = client.get(f"/o/acme/assets/{model.pk}/").content.decode()
    assert "Used by" in model_page and "Acme claims assistant" in model_page


def test_a_relation_is_added_and_removed_on_the_asset_page(
    client, acme, alice, password, acme_ai, acme_server
):
    client.login(username="alice", password=password)
    response = client.post(
        f"/o/acme/assets/{acme_ai.pk}/",
        {"relation": "out:hosted_on", "asset": "AST-0001 — Acme web server", "note": "Primary"},
    )
    assert response.status_code == 302
    relation = AssetRelation.objects.get()
    assert (relation.source, relation.target, relation.type, relation.note) == (
        acme_ai,
        acme_server,
        "hosted_on",
        "Primary",
    )
    client.post(f"/o/acme/assets/{acme_server.pk}/relations/{relation.pk}/remove/")
    assert not AssetRelation.objects.exists()


def test_an_incoming_relation_is_added_from_the_target_page(
    client, acme, alice, password, acme_ai, acme_server
):
    client.login(username="alice", password=password)
    client.post(f"/o/acme/assets/{acme_server.pk}/", {"relation": "in:hosted_on", "asset": "AST-0002"})
    relation = AssetRelation.objects.get()
    assert (relation.source, relation.target) == (acme_ai, acme_server)


def test_a_bad_link_on_the_page_shows_the_reason(client, acme, alice, password, acme_server):
    client.login(username="alice", password=password)
    response = client.post(f"/o/acme/assets/{acme_server.pk}/", {"relation": "out:uses", "asset": "AST-9999"})
    assert response.status_code == 400
    assert "No asset of this organization has this identifier or name." in response.content.decode()


def test_relations_are_created_and_deleted_through_the_api(api_as, acme, alice, acme_ai, acme_server):
    client = api_as(alice)
    created = client.post(
        "/api/v1/organizations/acme/asset-relations/",
        {"source": acme_ai.pk, "target": acme_server.pk, "type": "hosted_on"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["label"] == "Hosted on"
    assert created.json()["inverse_label"] == "Hosts"
    detail = client.get(f"/api/v1/organizations/acme/assets/{acme_server.pk}/").json()
    assert detail["relations"] == [
        {
            "id": created.json()["id"],
            "type": "hosted_on",
            "direction": "incoming",
            "label": "Hosts",
            "asset": {
                "id": acme_ai.pk,
                "identifier": "AST-0002",
                "name": "Acme claims assistant",
                "kind": "ai_system",
            },
            "note": "",
        }
    ]
    listing = client.get("/api/v1/organizations/acme/asset-relations/", {"asset": acme_server.pk})
    assert listing.json()["count"] == 1
    assert (
        client.delete(f"/api/v1/organizations/acme/asset-relations/{created.json()['id']}/").status_code
        == 204
    )
    assert not AssetRelation.objects.exists()


def test_the_api_refuses_a_self_link_with_a_field_error(api_as, acme, alice, acme_server):
    response = api_as(alice).post(
        "/api/v1/organizations/acme/asset-relations/",
        {"source": acme_server.pk, "target": acme_server.pk, "type": "uses"},
    )
    assert response.status_code == 400
    assert response.json() == {"target": ["An asset cannot be linked to itself."]}


def test_the_relation_picker_suggests_assets_of_the_organization(
    client, acme, globex, alice, charlie, password, acme_ai, acme_server
):
    AssetFactory(organization=globex, owner=charlie, name="Acme-like Globex server")
    client.login(username="alice", password=password)
    response = client.get("/o/acme/assets/lookup/", {"asset": "server", "exclude": acme_ai.pk})
    html = response.content.decode()
    assert "AST-0001 — Acme web server" in html
    assert "Globex" not in html
    assert (
        "Acme claims assistant"
        not in client.get("/o/acme/assets/lookup/", {"asset": "", "exclude": acme_ai.pk}).content.decode()
    )
