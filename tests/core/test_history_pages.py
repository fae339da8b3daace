"""History pages paginate instead of cutting; each record has one history page;
the reason's length is handled once, where history is written."""

import pytest

from assets import services as asset_services
from core.history import RecordHistory, history_for
from core.services import REASON_MAX_LENGTH, history_reason, record_save
from risks import services
from risks.models import Risk
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_values(alice):
    return {
        "title": "Ransomware encrypts the inference server",
        "category": "information_security",
        "threat": "Ransomware",
        "vulnerability": "Unpatched hypervisor",
        "affects_availability": True,
        "owner": alice,
        "inherent_likelihood": 3,
        "inherent_impact": 4,
    }


@pytest.fixture
def acme_server(acme, alice):
    return AssetFactory(organization=acme, owner=alice, name="Inference server", identifier="AST-0009")


@pytest.fixture
def busy_asset(acme, alice):
    """An asset changed 229 times: 230 history entries, more than the old cut at 200."""
    asset = AssetFactory(organization=acme, owner=alice, identifier="AST-0001", name="Server v0")
    for n in range(1, 230):
        asset.name = f"Server v{n}"
        record_save(asset, actor=alice, reason=f"Rename {n}", update_fields=["name", "updated_at"])
    return asset


def test_a_record_history_reads_every_entry_a_slice_at_a_time(busy_asset):
    history = RecordHistory(type(busy_asset), busy_asset.history.all())
    assert len(history) == 230
    page = history[200:230]
    assert len(page) == 30
    assert page[-1].action == "Created"
    # The first entry of a slice still shows what it changed against the row before it.
    assert history[10].changes[0].old == "Server v218" and history[10].changes[0].new == "Server v219"
    assert [e.reason for e in history[0:2]] == ["Rename 229", "Rename 228"]


def test_the_history_page_paginates_instead_of_cutting(client, alice, busy_asset, password):
    client.login(username="alice", password=password)
    first = client.get(f"/o/acme/assets/{busy_asset.pk}/history/")
    assert first.context["paginator"].count == 230
    assert len(first.context["entries"]) == 50
    last = client.get(f"/o/acme/assets/{busy_asset.pk}/history/", {"page": 5})
    assert last.context["entries"][-1].action == "Created"
    assert "Server v0" in last.content.decode()


def test_the_api_history_is_paginated_like_the_lists(api_as, alice, busy_asset):
    url = f"/api/v1/organizations/acme/assets/{busy_asset.pk}/history/"
    body = api_as(alice).get(url, {"page_size": 100}).json()
    assert body["count"] == 230 and len(body["results"]) == 100 and body["previous"] is None
    assert body["next"].endswith("page=2&page_size=100")
    last = api_as(alice).get(url, {"page_size": 100, "page": 3}).json()
    assert len(last["results"]) == 30 and last["results"][-1]["action"] == "Created"


def test_a_live_risk_has_one_history_page(client, acme, alice, password, security_values):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values)
    client.login(username="alice", password=password)
    trail_page = client.get(f"/o/acme/activity/risks.risk/{risk.pk}/")
    assert trail_page.status_code == 302 and trail_page["Location"] == f"/o/acme/risks/{risk.pk}/history/"


def test_a_deleted_risk_keeps_its_history_page_in_the_trail_with_its_links(
    client, acme, alice, password, security_values, acme_server
):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values, assets=[acme_server])
    pk = risk.pk
    services.risk_delete(risk=risk, actor=alice)
    client.login(username="alice", password=password)
    page = client.get(f"/o/acme/activity/risks.risk/{pk}/")
    assert page.status_code == 200 and page.context["deleted"]
    assert [e.action for e in page.context["entries"]][-2:] == ["Linked an affected asset to", "Created"]


def test_long_reasons_are_cut_once_with_an_ellipsis(acme, alice, security_values):
    note = "Quarterly review with the CISO and the data protection officer; " * 3
    risk = services.risk_create(organization=acme, actor=alice, values=security_values)
    services.risk_review_record(risk=risk, actor=alice, note=note)
    reason = Risk.history.filter(id=risk.pk).latest().history_change_reason
    assert len(reason) == REASON_MAX_LENGTH and reason.endswith("…")
    assert reason == history_reason(f"Reviewed: {note.strip()}")
    assert history_reason("Short") == "Short"


def test_bulk_writes_cut_the_reason_too(acme, alice):
    name = "x" * 150 + ".csv"
    assets = asset_services.asset_bulk_create(
        organization=acme,
        actor=alice,
        drafts=[asset_services.AssetDraft(values={"kind": "hardware", "name": "Rack", "owner": alice})],
        reason=f"Imported from {name}",
    )
    reason = history_for(assets[0])[0].reason
    assert len(reason) == REASON_MAX_LENGTH and reason.endswith("…")
