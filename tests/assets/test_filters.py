"""The same filters on the inventory page, its export and the API."""

import pytest

from assets.models import Asset
from tests.factories import AIModelFactory, AISystemFactory, AssetFactory, DatasetFactory, response_bytes


@pytest.fixture
def inventory(acme, alice, bob):
    AssetFactory(
        organization=acme,
        owner=alice,
        name="Payroll database",
        kind="information",
        classification="restricted",
        confidentiality=5,
        criticality="critical",
        tags=["pii", "hr"],
    )
    AssetFactory(
        organization=acme,
        owner=bob,
        name="Print server",
        kind="hardware",
        classification="internal",
        criticality="low",
        lifecycle_status="being_retired",
        tags=["legacy"],
    )
    AISystemFactory(
        organization=acme,
        owner=alice,
        name="Claims triage assistant",
        ai_risk_class="high",
        criticality="high",
        tags=["claims", "pii"],
        ai_vendor="Example AI",
    )
    AIModelFactory(organization=acme, owner=bob, name="Triage model", criticality="medium", tags=["claims"])
    DatasetFactory(organization=acme, owner=alice, name="Claims history", classification="confidential")
    return Asset.objects.for_organization(acme)


CASES = [
    ({"kind": "hardware"}, {"Print server"}),
    ({"group": "ai"}, {"Claims triage assistant", "Triage model", "Claims history"}),
    ({"group": "information"}, {"Payroll database", "Print server"}),
    ({"classification": "restricted"}, {"Payroll database"}),
    ({"criticality": "critical"}, {"Payroll database"}),
    ({"owner": "bob"}, {"Print server", "Triage model"}),
    ({"ai_risk_class": "high"}, {"Claims triage assistant"}),
    ({"lifecycle_status": "being_retired"}, {"Print server"}),
    ({"tag": "pii"}, {"Payroll database", "Claims triage assistant"}),
    ({"tag": "PII, claims"}, {"Claims triage assistant"}),
    ({"tag": "pi"}, set()),
    ({"search": "triage"}, {"Claims triage assistant", "Triage model"}),
    ({"search": "example ai"}, {"Claims triage assistant"}),
    ({"group": "ai", "tag": "claims"}, {"Claims triage assistant", "Triage model"}),
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_api_filters(api_as, alice, inventory, params, expected):
    response = api_as(alice).get("/api/v1/organizations/acme/assets/", params)
    assert response.status_code == 200
    assert {a["name"] for a in response.json()["results"]} == expected


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_page_filters(client, alice, password, inventory, params, expected):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/assets/", params)
    assert response.status_code == 200
    assert {a.name for a in response.context["assets"]} == expected


def test_owner_filter_takes_an_id_too(api_as, alice, bob, inventory):
    response = api_as(alice).get("/api/v1/organizations/acme/assets/", {"owner": bob.pk})
    assert {a["name"] for a in response.json()["results"]} == {"Print server", "Triage model"}


def test_the_export_applies_the_page_filters(client, alice, password, inventory):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/assets/export/", {"format": "csv", "tag": "pii"})
    text = response_bytes(response).decode("utf-8-sig")
    assert "Payroll database" in text and "Claims triage assistant" in text
    assert "Print server" not in text


def test_ordering_follows_the_scale_not_the_alphabet(api_as, alice, inventory):
    response = api_as(alice).get("/api/v1/organizations/acme/assets/", {"ordering": "-criticality"})
    assert [a["criticality"] for a in response.json()["results"]] == [
        "critical",
        "high",
        "medium",
        "medium",
        "low",
    ]
    response = api_as(alice).get("/api/v1/organizations/acme/assets/", {"ordering": "classification"})
    assert [a["classification"] for a in response.json()["results"]][-1] == "restricted"


def test_an_unknown_filter_value_is_a_json_error_in_the_api(api_as, alice, inventory):
    response = api_as(alice).get("/api/v1/organizations/acme/assets/", {"kind": "robot"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_the_page_sorts_and_paginates(client, acme, alice, password):
    for i in range(30):
        AssetFactory(organization=acme, owner=alice, name=f"Laptop {i:02d}")
    client.login(username="alice", password=password)
    response = client.get("/o/acme/assets/", {"ordering": "-name", "page_size": 25, "page": 2})
    names = [a.name for a in response.context["assets"]]
    assert names == [f"Laptop {i:02d}" for i in range(4, -1, -1)]
    html = response.content.decode()
    # The per-page picker keeps the sort order and shows the size in use; pagination keeps both.
    assert '<option value="25" selected>' in html
    assert '<input type="hidden" name="ordering" value="-name">' in html
    assert "26–30 of 30" in html  # noqa: RUF001 - the page shows an en dash
    assert "?ordering=-name&amp;page=1&amp;page_size=25" in html
