"""Charlie (Globex) sees nothing of Acme's inventory: every page and endpoint answers 404."""

import pytest

from assets.models import Asset, AssetRelation
from tests.factories import AssetFactory, AssetRelationFactory, response_bytes


@pytest.fixture
def relation(acme_ai, acme_server):
    return AssetRelationFactory(source=acme_ai, target=acme_server, type="hosted_on")


PAGES = [
    "/o/acme/assets/",
    "/o/acme/assets/new/",
    "/o/acme/assets/import/",
    "/o/acme/assets/export/",
    "/o/acme/assets/lookup/",
    "/o/acme/assets/{asset}/",
    "/o/acme/assets/{asset}/edit/",
    "/o/acme/assets/{asset}/delete/",
    "/o/acme/assets/{asset}/history/",
]


@pytest.mark.parametrize("path", PAGES)
def test_charlie_gets_404_for_every_acme_asset_page(client, charlie, password, acme_server, path):
    client.login(username="charlie", password=password)
    assert client.get(path.format(asset=acme_server.pk)).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/o/globex/assets/{asset}/", "/o/globex/assets/{asset}/edit/", "/o/globex/assets/{asset}/history/"],
)
def test_an_acme_asset_id_is_404_inside_globex_too(client, charlie, password, acme_server, path):
    client.login(username="charlie", password=password)
    assert client.get(path.format(asset=acme_server.pk)).status_code == 404


def test_charlie_cannot_delete_or_link_acme_assets_by_posting(
    client, charlie, password, acme_server, acme_ai, relation
):
    client.login(username="charlie", password=password)
    assert client.post(f"/o/acme/assets/{acme_server.pk}/delete/").status_code == 404
    assert client.post(f"/o/globex/assets/{acme_server.pk}/delete/").status_code == 404
    assert client.post(f"/o/globex/assets/{acme_ai.pk}/relations/{relation.pk}/remove/").status_code == 404
    assert Asset.objects.count() == 2
    assert AssetRelation.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/organizations/acme/assets/"),
        ("post", "/api/v1/organizations/acme/assets/"),
        ("post", "/api/v1/organizations/acme/assets/bulk/"),
        ("get", "/api/v1/organizations/acme/assets/{asset}/"),
        ("patch", "/api/v1/organizations/acme/assets/{asset}/"),
        ("delete", "/api/v1/organizations/acme/assets/{asset}/"),
        ("get", "/api/v1/organizations/acme/assets/{asset}/history/"),
        ("get", "/api/v1/organizations/globex/assets/{asset}/"),
        ("patch", "/api/v1/organizations/globex/assets/{asset}/"),
        ("get", "/api/v1/organizations/globex/assets/{asset}/history/"),
        ("get", "/api/v1/organizations/acme/asset-relations/"),
        ("get", "/api/v1/organizations/globex/asset-relations/{relation}/"),
        ("delete", "/api/v1/organizations/globex/asset-relations/{relation}/"),
    ],
)
def test_charlie_gets_404_for_acme_assets_in_the_api(api_as, charlie, acme_server, relation, method, path):
    url = path.format(asset=acme_server.pk, relation=relation.pk)
    response = getattr(api_as(charlie), method)(url, {"name": "Hijacked"}, format="json")
    assert response.status_code == 404
    acme_server.refresh_from_db()
    assert acme_server.name == "Acme web server"


def test_a_relation_cannot_point_at_another_organizations_asset(api_as, globex, charlie, acme_server):
    own = AssetFactory(organization=globex, owner=charlie, identifier="AST-0009")
    response = api_as(charlie).post(
        "/api/v1/organizations/globex/asset-relations/",
        {"source": own.pk, "target": acme_server.pk, "type": "hosted_on"},
    )
    assert response.status_code == 400
    assert "target" in response.json()
    assert not AssetRelation.objects.exists()


def test_a_bulk_relation_cannot_reach_another_organizations_identifier(api_as, charlie, globex, acme_server):
    response = api_as(charlie).post(
        "/api/v1/organizations/globex/assets/bulk/",
        [
            {
                "name": "Globex app",
                "kind": "software",
                "relations": [{"type": "hosted_on", "target": "AST-0001"}],
            }
        ],
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "relations"


def test_the_export_holds_only_the_organizations_own_assets(client, globex, charlie, password, acme_server):
    AssetFactory(organization=globex, owner=charlie, name="Globex mainframe")
    client.login(username="charlie", password=password)
    text = response_bytes(client.get("/o/globex/assets/export/", {"format": "csv"})).decode("utf-8-sig")
    assert "Globex mainframe" in text
    assert "Acme web server" not in text


def test_the_lists_show_only_the_organizations_own_assets(
    client, api_as, globex, charlie, password, acme_server
):
    AssetFactory(organization=globex, owner=charlie, name="Globex mainframe")
    client.login(username="charlie", password=password)
    page = client.get("/o/globex/assets/").content.decode()
    assert "Globex mainframe" in page and "Acme web server" not in page
    api = api_as(charlie).get("/api/v1/organizations/globex/assets/").json()
    assert [a["name"] for a in api["results"]] == ["Globex mainframe"]


def test_importing_with_another_organizations_member_as_owner_fails(client, acme, alice, charlie, password):
    import io

    client.login(username="alice", password=password)
    upload = io.BytesIO(b"name,kind,owner\nServer,hardware,charlie\n")
    upload.name = "x.csv"
    response = client.post("/o/acme/assets/import/", {"file": upload})
    assert "No member of this organization has the username or email" in response.content.decode()
