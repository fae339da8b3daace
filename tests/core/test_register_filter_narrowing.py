"""The API builds a register's filterset of the filters its query string names only
(``core.registers.filters.RegisterFilterBackend``, issue 14). Each answer — rows, count,
order and error alike — must be what the whole filterset answers."""

import datetime
from unittest import mock

import pytest

from core.registers import filters as register_filters
from risks.filters import RiskFilter
from tests.factories import AISystemFactory, AssetFactory, RiskFactory

QUERIES = {
    "assets": [
        {"kind": "ai_system"},
        {"kind": ["ai_system", "software"], "ordering": "-name"},
        {"group": "ai", "page_size": "3"},
        {"mine": "true"},
        {"mine": "false", "criticality": "high"},
        {"search": "server"},
        {"tag": "payments"},
        {"updated_after": "2020-01-01"},
        {"updated_before": "2000-01-01"},
        {"updated_after": "not a date"},
        {"ai_risk_classified": "perhaps"},
        {"owner": "99999999999999999999999"},
        {"search": "nul\x00"},
        {"ordering": "no_such_field"},
        {"kind": "no_such_kind"},
    ],
    "risks": [
        {"category": "ai"},
        {"level": ["medium", "critical"], "ordering": "-inherent_score"},
        {"status": "open", "page_size": "2", "page": "2"},
        {"above_appetite": "true"},
        {"above_appetite": "perhaps"},
        {"review_due_before": "2030-01-01"},
        {"inherent_cell": "3-4"},
        {"inherent_cell": "nine"},
        {"asset": "1"},
        {"asset": "99999999999999999999999"},
        {"mine": "true", "ordering": "-level"},
        {"search": "model"},
    ],
}


@pytest.fixture
def registers(acme, globex, alice, bob):
    for i in range(5):
        AssetFactory(organization=acme, owner=alice if i % 2 else bob, name=f"Server {i}", criticality="high")
        AISystemFactory(organization=acme, owner=bob, name=f"Scoring model {i}", tags=["payments"])
    AssetFactory(organization=globex, owner=bob, name="Server of another organization")
    for i in range(6):
        factory_kwargs = {"category": "ai"} if i % 2 else {}
        RiskFactory(
            organization=acme,
            owner=alice if i % 3 else bob,
            title=f"Model drift {i}",
            next_review_date=datetime.date(2029, 1, 1 + i),
            **factory_kwargs,
        )


@pytest.mark.parametrize("register", sorted(QUERIES))
def test_each_answer_is_the_whole_filtersets(api_as, alice, registers, register):
    client = api_as(alice)
    url = f"/api/v1/organizations/acme/{register}/"
    whole = []
    with mock.patch.object(register_filters, "_narrowed", side_effect=lambda cls, names: cls):
        for query in QUERIES[register]:
            whole.append(client.get(url, query))
    for query, expected in zip(QUERIES[register], whole, strict=True):
        answer = client.get(url, query)
        assert (answer.status_code, answer.json()) == (expected.status_code, expected.json()), query
    assert {r.status_code for r in whole} == {200, 400}, "the queries should include refused ones"


def test_the_filterset_holds_the_named_filters_only(rf):
    narrowed = register_filters._narrowed(RiskFilter, frozenset({"category", "updated"}))
    assert set(narrowed.base_filters) == {"category", "updated"}
    assert set(RiskFilter.base_filters) > {"category", "updated", "level", "ordering"}
    names = register_filters._named(RiskFilter.base_filters, ["category", "updated_after", "page", "foo"])
    assert names == {"category", "updated"}


def test_the_browsable_apis_filter_form_keeps_every_field(client, alice, password, registers):
    client.login(username="alice", password=password)
    page = client.get("/api/v1/organizations/acme/assets/", {"kind": "ai_system"}, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("kind", "criticality", "lifecycle_status", "updated_after", "ordering"):
        assert f'name="{name}"' in html, name
