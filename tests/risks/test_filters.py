"""The register filters the same way on the page, in the export and in the API."""

import datetime

import pytest

from controls.models import Control
from risks.models import RiskAsset, RiskControl
from tests.factories import AIRiskFactory, RiskFactory, response_bytes


@pytest.fixture
def register(acme, alice, olivia, acme_server, acme_ai, catalogues):
    past = datetime.date(2020, 1, 1)
    risks = {
        "ransomware": RiskFactory(
            organization=acme,
            owner=alice,
            title="Ransomware on the server",
            inherent_likelihood=4,
            inherent_impact=5,
        ),
        "leak": RiskFactory(
            organization=acme,
            owner=olivia,
            title="Backup leak",
            inherent_likelihood=1,
            inherent_impact=2,
            next_review_date=past,
        ),
        "bias": AIRiskFactory(
            organization=acme, owner=alice, title="Biased triage", inherent_likelihood=3, inherent_impact=3
        ),
        "both": AIRiskFactory(
            organization=acme,
            owner=olivia,
            title="Model theft",
            category="both",
            threat="Insider",
            affects_confidentiality=True,
            ai_harm_area="model_security",
            residual_likelihood=1,
            residual_impact=1,
        ),
        "closed": RiskFactory(
            organization=acme, owner=alice, title="Old fax gateway", status="closed", next_review_date=past
        ),
    }
    RiskAsset.objects.create(organization=acme, risk=risks["ransomware"], asset=acme_server)
    RiskAsset.objects.create(organization=acme, risk=risks["bias"], asset=acme_ai)
    secure_coding = Control.objects.get(framework__code="iso27001-2022", reference="8.28")
    logging = Control.objects.get(framework__code="iso42001-2023", reference="A.6.2.8")
    RiskControl.objects.create(organization=acme, risk=risks["ransomware"], control=secure_coding)
    RiskControl.objects.create(organization=acme, risk=risks["both"], control=logging)
    return risks


CASES = [
    ({"category": "ai"}, {"bias", "both"}),
    ({"category": "information_security"}, {"ransomware", "leak", "both", "closed"}),
    ({"level": "critical"}, {"ransomware"}),
    ({"level": "low"}, {"leak", "both"}),
    ({"inherent_level": "high"}, {"both", "closed"}),
    ({"status": "open"}, {"ransomware", "leak", "bias", "both"}),
    ({"status": "closed"}, {"closed"}),
    ({"owner": "olivia"}, {"leak", "both"}),
    ({"asset": "AST-0001"}, {"ransomware"}),
    ({"control": "ISO27001:8.28"}, {"ransomware"}),
    ({"control": "ISO42001:A.6.2.8"}, {"both"}),
    ({"control": "ISO27001:99.9"}, set()),
    ({"review_overdue": "true"}, {"leak"}),
    ({"above_appetite": "true"}, {"ransomware", "closed"}),
    ({"above_appetite": "true", "status": "open"}, {"ransomware"}),
    ({"inherent_cell": "3-3"}, {"bias"}),
    ({"residual_cell": "1-1"}, {"both"}),
    ({"residual_cell": "3-3"}, {"bias"}),
    ({"search": "theft"}, {"both"}),
    ({"search": "R-1"}, {"ransomware"}),
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_the_register_page_filters(client, acme, alice, register, password, params, expected):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/risks/", params)
    assert response.status_code == 200
    assert {r.pk for r in response.context["risks"]} == {register[k].pk for k in expected}


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_the_api_filters_alike(api_as, acme, alice, register, params, expected):
    response = api_as(alice).get("/api/v1/organizations/acme/risks/", params)
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {register[k].pk for k in expected}


def test_filters_combine_and_sort_by_level(api_as, acme, alice, register):
    response = api_as(alice).get(
        "/api/v1/organizations/acme/risks/", {"status": "open", "ordering": "-level"}
    )
    titles = [r["title"] for r in response.json()["results"]]
    assert titles[0] == "Ransomware on the server"
    assert set(titles[-2:]) == {"Backup leak", "Model theft"}


def test_the_export_follows_the_filters(client, acme, alice, register, password):
    client.login(username="alice", password=password)
    content = response_bytes(client.get("/o/acme/risks/export/", {"format": "csv", "category": "ai"})).decode(
        "utf-8-sig"
    )
    lines = content.strip().splitlines()
    assert len(lines) == 3 and "Biased triage" in content and "Ransomware" not in content


def test_a_heat_map_cell_links_to_its_risks(client, acme, alice, register, password):
    client.login(username="alice", password=password)
    page = client.get("/o/acme/risks/heat-maps/").content.decode()
    assert 'href="/o/acme/risks/?inherent_cell=4-5&amp;status=open"' in page
    filtered = client.get("/o/acme/risks/", {"inherent_cell": "4-5", "status": "open"})
    assert [r.title for r in filtered.context["risks"]] == ["Ransomware on the server"]
    assert 'data-testid="cell-filter"' in filtered.content.decode()
