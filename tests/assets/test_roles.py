"""Viewers and auditors read; contributors add and change what they own; officers and admins change all."""

import io

import pytest

from assets.models import Asset
from core.roles import Role
from tests.factories import AssetFactory

NEW_ASSET = {
    "name": "Laptop fleet",
    "kind": "hardware",
    "confidentiality": 2,
    "integrity": 2,
    "availability": 2,
}


def _form(owner, **extra):
    data = {
        "kind": "hardware",
        "name": "Laptop fleet",
        "owner": owner.pk,
        "classification": "internal",
        "confidentiality": 2,
        "integrity": 2,
        "availability": 2,
        "lifecycle_status": "in_use",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
def test_readers_read_but_cannot_write(client, api_as, acme, alice, make_member, password, acme_server, role):
    reader = make_member(acme, role, "reader")
    client.login(username="reader", password=password)
    assert client.get("/o/acme/assets/").status_code == 200
    assert client.get(f"/o/acme/assets/{acme_server.pk}/").status_code == 200
    assert client.get("/o/acme/assets/new/").status_code == 403
    assert client.post("/o/acme/assets/new/", _form(reader)).status_code == 403
    assert client.get(f"/o/acme/assets/{acme_server.pk}/edit/").status_code == 403
    assert client.post(f"/o/acme/assets/{acme_server.pk}/delete/").status_code == 403
    assert client.get("/o/acme/assets/import/").status_code == 403
    api = api_as(reader)
    assert api.get("/api/v1/organizations/acme/assets/").status_code == 200
    assert api.post("/api/v1/organizations/acme/assets/", NEW_ASSET).status_code == 403
    assert api.patch(f"/api/v1/organizations/acme/assets/{acme_server.pk}/", {"name": "x"}).status_code == 403
    assert api.post("/api/v1/organizations/acme/assets/bulk/", [NEW_ASSET], format="json").status_code == 403
    assert Asset.objects.count() == 1


def test_the_page_hides_write_buttons_from_viewers(client, bob, password, acme_server):
    client.login(username="bob", password=password)
    html = client.get(f"/o/acme/assets/{acme_server.pk}/").content.decode()
    assert "/edit/" not in html and 'data-testid="relation-form"' not in html
    assert 'data-testid="new-asset"' not in client.get("/o/acme/assets/").content.decode()


def test_exporting_needs_the_export_capability(client, acme, bob, make_member, password, acme_server):
    client.login(username="bob", password=password)
    assert client.get("/o/acme/assets/export/").status_code == 403
    make_member(acme, Role.AUDITOR, "audrey")
    client.login(username="audrey", password=password)
    assert client.get("/o/acme/assets/export/", {"format": "csv"}).status_code == 200


def test_a_contributor_registers_an_asset_she_owns(client, carol, password):
    client.login(username="carol", password=password)
    response = client.post("/o/acme/assets/new/", _form(carol))
    assert response.status_code == 302
    assert Asset.objects.get().owner == carol


def test_a_contributor_cannot_assign_an_asset_to_someone_else(client, api_as, alice, carol, password):
    client.login(username="carol", password=password)
    response = client.post("/o/acme/assets/new/", _form(alice))
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    api_response = api_as(carol).post("/api/v1/organizations/acme/assets/", {**NEW_ASSET, "owner": "alice"})
    assert api_response.status_code == 400
    assert api_response.json() == {
        "owner": ["As a contributor you can register and keep only assets you own yourself."]
    }
    assert not Asset.objects.exists()


def test_a_contributor_edits_her_own_assets_only(client, api_as, acme, alice, carol, password, acme_server):
    own = AssetFactory(organization=acme, owner=carol, name="Carol's laptop")
    api = api_as(carol)
    assert (
        api.patch(f"/api/v1/organizations/acme/assets/{own.pk}/", {"location": "Home office"}).status_code
        == 200
    )
    assert (
        api.patch(f"/api/v1/organizations/acme/assets/{acme_server.pk}/", {"name": "Mine"}).status_code == 403
    )
    assert api.delete(f"/api/v1/organizations/acme/assets/{acme_server.pk}/").status_code == 403
    response = api.patch(f"/api/v1/organizations/acme/assets/{own.pk}/", {"owner": "alice"})
    assert response.status_code == 400
    client.login(username="carol", password=password)
    assert client.get(f"/o/acme/assets/{acme_server.pk}/edit/").status_code == 403
    assert client.get(f"/o/acme/assets/{own.pk}/edit/").status_code == 200
    acme_server.refresh_from_db()
    assert acme_server.name == "Acme web server"


def test_a_contributor_links_only_from_assets_she_owns(api_as, acme, carol, acme_server):
    own = AssetFactory(organization=acme, owner=carol, kind="software", name="Carol's app")
    api = api_as(carol)
    ok = api.post(
        "/api/v1/organizations/acme/asset-relations/",
        {"source": own.pk, "target": acme_server.pk, "type": "hosted_on"},
    )
    assert ok.status_code == 201
    refused = api.post(
        "/api/v1/organizations/acme/asset-relations/",
        {"source": acme_server.pk, "target": own.pk, "type": "uses"},
    )
    assert refused.status_code == 403


def test_a_contributor_imports_only_assets_she_owns(client, carol, password):
    client.login(username="carol", password=password)
    upload = io.BytesIO(b"name,kind,owner\nMine,hardware,carol\nNot mine,hardware,alice\n")
    upload.name = "x.csv"
    response = client.post("/o/acme/assets/import/", {"file": upload})
    errors = [(e.line, e.column) for e in response.context["preview"].errors]
    assert errors == [(3, "owner")]


@pytest.mark.parametrize("role", [Role.COMPLIANCE_OFFICER, Role.ADMIN])
def test_officers_and_admins_change_every_asset(api_as, acme, alice, carol, make_member, role):
    editor = make_member(acme, role, "editor")
    carols = AssetFactory(organization=acme, owner=carol, name="Carol's laptop")
    response = api_as(editor).patch(f"/api/v1/organizations/acme/assets/{carols.pk}/", {"owner": "alice"})
    assert response.status_code == 200, response.content
    carols.refresh_from_db()
    assert carols.owner == alice
    assert api_as(editor).delete(f"/api/v1/organizations/acme/assets/{carols.pk}/").status_code == 204
