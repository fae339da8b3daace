"""An impact of an AI impact assessment raises a linked AI risk in one step, pre-filled."""

import pytest
from django.core.exceptions import ValidationError

from risks import selectors, services
from risks.models import Risk


@pytest.fixture
def assessment(acme, alice, acme_ai):
    return services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=acme_ai,
        values={"owner": alice, "scope": "The assistant as deployed for claims."},
    )


@pytest.fixture
def item(assessment, alice):
    return services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": "fairness",
            "affected_party": "groups",
            "affected_detail": "second-language claimants",
            "description": "Claims in plain second-language prose wait longer. Seen in the pilot.",
            "severity": 4,
            "likelihood": 2,
            "mitigation": "Monthly fairness report by language group.",
        },
    )


def test_raising_a_risk_prefills_it_from_the_impact(acme, alice, acme_ai, item):
    risk = services.impact_item_raise_risk(item=item, actor=alice)
    assert risk.reference == "R-001"
    assert (risk.category, risk.ai_harm_area, risk.owner) == ("ai", "fairness_bias", alice)
    assert (risk.inherent_likelihood, risk.inherent_impact) == (2, 4)
    assert risk.title == "Claims in plain second-language prose wait longer"
    assert "second-language claimants" in risk.description and "version 1" in risk.description
    assert risk.treatment_plan == "Monthly fairness report by language group."
    assert [link.asset for link in risk.asset_links.all()] == [acme_ai]
    item.refresh_from_db()
    assert item.risk == risk
    assert selectors.risk_impact_items(risk) == [item]


@pytest.mark.parametrize(
    ("area", "harm_area"),
    [
        ("fundamental_rights", "legal"),
        ("safety", "safety"),
        ("privacy", "privacy"),
        ("environment", "societal_environmental"),
        ("economic", "societal_environmental"),
    ],
)
def test_the_harm_area_follows_the_impact_area(acme, alice, assessment, area, harm_area):
    item = services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": area,
            "affected_party": "society",
            "description": "Something.",
            "severity": 2,
            "likelihood": 2,
        },
    )
    assert services.impact_item_raise_risk(item=item, actor=alice).ai_harm_area == harm_area


def test_severity_and_likelihood_are_mapped_onto_a_smaller_methodology(acme, alice, item):
    services.methodology_update(
        methodology=selectors.methodology_for(acme),
        actor=alice,
        values={
            "likelihood_labels": ["Low", "Medium", "High"],
            "impact_labels": ["Low", "Medium", "High"],
            "medium_from": 2,
            "high_from": 4,
            "critical_from": 9,
        },
    )
    # 1..5 onto 1..3, ends onto ends, halves up: likelihood 2 -> 1.5 -> 2, severity 4 -> 2.5 -> 3.
    risk = services.impact_item_raise_risk(item=item, actor=alice)
    assert (risk.inherent_likelihood, risk.inherent_impact) == (2, 3)


def test_an_impact_raises_one_risk_only(acme, alice, item):
    services.impact_item_raise_risk(item=item, actor=alice)
    with pytest.raises(ValidationError):
        services.impact_item_raise_risk(item=item, actor=alice)
    assert Risk.objects.count() == 1


def test_the_assessment_page_shows_the_link_and_the_risk_page_the_origin(client, acme, alice, item, password):
    client.login(username="alice", password=password)
    url = f"/o/acme/risks/impact-assessments/{item.assessment_id}/"
    assert 'data-testid="raise-risk"' in client.get(url).content.decode()
    response = client.post(f"{url}impacts/{item.pk}/raise-risk/")
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/o/acme/risks/{risk.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="item-risk"' in page and "R-001" in page
    assert "Raised from" in client.get(f"/o/acme/risks/{risk.pk}/").content.decode()


def test_the_api_raises_a_risk_from_an_item(api_as, acme, alice, bob, item):
    url = f"/api/v1/organizations/acme/impact-items/{item.pk}/raise-risk/"
    assert api_as(bob).post(url).status_code == 403
    response = api_as(alice).post(url)
    assert response.status_code == 201
    body = response.json()
    assert (body["reference"], body["category"], body["ai_harm_area"]) == ("R-001", "ai", "fairness_bias")
    item_body = api_as(bob).get(f"/api/v1/organizations/acme/impact-items/{item.pk}/").json()
    assert item_body["risk"]["reference"] == "R-001"
