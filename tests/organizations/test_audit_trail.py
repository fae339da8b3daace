"""The organization's audit trail: one feed of every change to every record it owns."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import Asset
from assets.services import asset_create, asset_delete, asset_relation_create, asset_update
from controls.models import Control
from organizations.models import Membership
from risks.services.register import risk_create
from tests.factories import AssetFactory


def _asset(organization, actor, name, **extra):
    values = {"kind": "hardware", "name": name, "owner": actor, "classification": "internal"}
    return asset_create(organization=organization, actor=actor, values={**values, **extra})


def _risk(organization, actor, title, *, assets=(), controls=()):
    values = {
        "title": title,
        "category": "information_security",
        "threat": "Ransomware",
        "vulnerability": "Unpatched hypervisor",
        "affects_availability": True,
        "owner": actor,
        "inherent_likelihood": 3,
        "inherent_impact": 4,
    }
    return risk_create(
        organization=organization, actor=actor, values=values, assets=assets, controls=controls
    )


@pytest.fixture
def acme_changes(acme, alice, catalogues):
    """Alice registers two assets, links them, records a risk treated with a control,
    renames one asset and deletes the other."""
    server = _asset(acme, alice, "Mail server")
    backup = _asset(acme, alice, "Backup appliance")
    asset_relation_create(organization=acme, actor=alice, source=server, target=backup, type="uses")
    control = Control.objects.get(framework__code="iso27001-2022", reference="8.13")
    risk = _risk(acme, alice, "Mail lost in a ransomware attack", assets=[server], controls=[control])
    asset_update(asset=server, actor=alice, values={"name": "Mail gateway"})
    backup_id = backup.pk
    asset_delete(asset=backup, actor=alice)
    return {"server": server, "backup": backup, "backup_id": backup_id, "risk": risk}


def test_the_trail_shows_changes_to_every_kind_of_record_with_who_and_what(
    client, acme, alice, password, acme_changes
):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/activity/")
    assert response.status_code == 200
    entries = response.context["entries"]
    kinds = {e.kind for e in entries}
    assert {"assets.asset", "assets.assetrelation", "risks.risk", "risks.riskcontrol"} <= kinds
    assert all(e.who in {"Alice Archer", "System"} for e in entries)

    rename = next(e for e in entries if e.kind == "assets.asset" and e.action == "Changed")
    assert [(c.field, c.old, c.new) for c in rename.changes] == [("name", "Mail server", "Mail gateway")]
    assert rename.url == f"/o/acme/assets/{acme_changes['server'].pk}/"

    control_link = next(e for e in entries if e.kind == "risks.riskcontrol")
    assert control_link.label == f"{acme_changes['risk'].reference} treated by 8.13"
    assert control_link.url == f"/o/acme/risks/{acme_changes['risk'].pk}/"

    content = response.content.decode()
    assert "Mail gateway" in content and "Mail server" in content and "Alice Archer" in content


def test_a_deleted_record_stays_in_the_trail_with_its_whole_history(
    client, acme, alice, password, acme_changes
):
    backup, backup_id = acme_changes["backup"], acme_changes["backup_id"]
    assert not Asset.objects.filter(pk=backup_id).exists()
    client.login(username="alice", password=password)
    entries = client.get("/o/acme/activity/?action=deleted").context["entries"]
    deleted = {(e.kind, e.label) for e in entries}
    assert ("assets.asset", f"{backup.identifier} Backup appliance") in deleted
    # The relation went with it and still names both ends, rebuilt from their history.
    assert any(e.kind == "assets.assetrelation" and "Backup appliance" in e.label for e in entries)

    entry = next(e for e in entries if e.kind == "assets.asset")
    assert entry.url == entry.history_url == f"/o/acme/activity/assets.asset/{backup_id}/"
    page = client.get(entry.history_url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="record-deleted"' in content
    assert "Backup appliance" in content and "Asset deleted" in content and "Asset registered" in content


def test_filters_narrow_the_trail(client, acme, alice, bob, password, acme_changes):
    client.login(username="alice", password=password)

    risks_only = client.get("/o/acme/activity/?kind=risks.risk").context["entries"]
    assert risks_only and {e.kind for e in risks_only} == {"risks.risk"}

    changed = client.get("/o/acme/activity/?action=changed").context["entries"]
    assert changed and {e.action for e in changed} == {"Changed"}

    by_bob = client.get(f"/o/acme/activity/?who={bob.pk}").context["entries"]
    assert by_bob == []
    by_alice = client.get(f"/o/acme/activity/?who={alice.pk}").context["paginator"].count
    assert by_alice >= 8

    future = client.get("/o/acme/activity/?since=2999-01-01").context["paginator"].count
    assert future == 0

    bad = client.get("/o/acme/activity/?since=2026-02-01&until=2026-01-01")
    assert "The end date is before the start date." in bad.content.decode()


def test_the_trail_paginates(client, acme, alice, password):
    for n in range(60):
        AssetFactory(organization=acme, owner=alice, name=f"Laptop {n}")
    client.login(username="alice", password=password)
    first = client.get("/o/acme/activity/?kind=assets.asset")
    assert first.context["paginator"].count == 60
    assert len(first.context["entries"]) == 50
    second = client.get("/o/acme/activity/?kind=assets.asset&page=2")
    assert len(second.context["entries"]) == 10
    assert 'aria-label="Pages"' in first.content.decode()
    assert "51\u201360 of 60" in second.content.decode()  # en dash
    assert "?kind=assets.asset&amp;page=1" in second.content.decode()  # filters survive paging
    names = [e.label for e in first.context["entries"]] + [e.label for e in second.context["entries"]]
    assert len(set(names)) == 60
    assert names[0].endswith("Laptop 59")  # newest first


def _trail_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_trail_costs_the_same_queries_for_few_or_many_entries(
    client, api_as, acme, alice, password, catalogues
):
    """The cost grows with the kinds of record on a page, never with its entries."""
    client.login(username="alice", password=password)
    api = api_as(alice)
    control = Control.objects.get(framework__code="iso27001-2022", reference="8.13")

    def burst():
        a = _asset(acme, alice, "Host")
        b = _asset(acme, alice, "Disk")
        asset_relation_create(organization=acme, actor=alice, source=a, target=b, type="uses")
        _risk(acme, alice, "Disk fails", assets=[a], controls=[control])
        asset_update(asset=a, actor=alice, values={"name": "Host 2"})

    pages = [
        "/o/acme/activity/?kind=risks.riskcontrol",
        "/o/acme/activity/?kind=assets.assetrelation",
        "/api/v1/organizations/acme/activity/?page_size=500",  # every entry, so every kind, both times
    ]
    burst()
    few = [_trail_queries(api if "/api/" in url else client, url) for url in pages]
    for _ in range(8):
        burst()
    many = [_trail_queries(api if "/api/" in url else client, url) for url in pages]
    assert many == few


def test_csv_export_holds_the_filtered_trail(client, acme, alice, password, acme_changes):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/activity/export.csv?kind=assets.asset")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["When (UTC)", "Who", "Action", "Record type"]
    body = rows[1:]
    assert len(body) == 4  # two registered, one renamed, one deleted
    assert {r[3] for r in body} == {"Asset"}
    assert any(r[2] == "Changed" and "Name: Mail server → Mail gateway" in r[6] for r in body)


def test_viewers_read_the_trail_but_cannot_export_it(client, acme, bob, password, acme_changes):
    client.login(username="bob", password=password)
    assert client.get("/o/acme/activity/").status_code == 200
    assert client.get("/o/acme/activity/export.csv").status_code == 403


def test_no_organization_sees_another_organizations_trail(
    client, api_as, acme, alice, globex, charlie, password, acme_changes
):
    _asset(globex, charlie, "Globex secret server")
    client.login(username="alice", password=password)
    content = client.get("/o/acme/activity/").content.decode()
    assert "Globex secret server" not in content
    assert client.get("/o/globex/activity/").status_code == 404
    assert client.get("/o/globex/activity/export.csv").status_code == 404

    globex_asset = Asset.objects.get(organization=globex)
    # A record of another organization is not found through this organization's address.
    assert client.get(f"/o/acme/activity/assets.asset/{globex_asset.pk}/").status_code == 404
    assert client.get("/o/acme/activity/nosuch.model/1/").status_code == 404

    api = api_as(alice)
    assert api.get("/api/v1/organizations/globex/activity/").status_code == 404
    labels = [
        e["record"] for e in api.get("/api/v1/organizations/acme/activity/?page_size=500").json()["results"]
    ]
    assert labels and not any("Globex" in label for label in labels)


def test_the_api_lists_the_trail_with_filters_and_errors(api_as, acme, alice, bob, acme_changes):
    api = api_as(bob)
    response = api.get("/api/v1/organizations/acme/activity/?kind=assets.asset&action=changed")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    entry = data["results"][0]
    assert entry["who"] == "Alice Archer"
    assert entry["kind"] == "assets.asset"
    assert entry["changes"] == [
        {"field": "name", "label": "Name", "old": "Mail server", "new": "Mail gateway"}
    ]

    bad = api.get("/api/v1/organizations/acme/activity/?kind=nosuch")
    assert bad.status_code == 400
    assert "kind" in str(bad.json())


def test_membership_changes_are_in_the_trail(client, acme, alice, bob, password):
    client.login(username="alice", password=password)
    bob_membership = Membership.objects.get(user=bob)
    client.post(f"/o/acme/members/{bob_membership.pk}/role/", {"role": "auditor"})
    client.post(f"/o/acme/members/{bob_membership.pk}/remove/")
    entries = client.get("/o/acme/activity/?kind=organizations.membership").context["entries"]
    actions = [(e.action, e.who) for e in entries if "Bob Baker" in e.label]
    assert ("Deleted", "Alice Archer") in actions
    role_change = next(e for e in entries if e.action == "Changed" and "Bob Baker" in e.label)
    assert [(c.field, c.old, c.new) for c in role_change.changes] == [("role", "Viewer", "Auditor")]
