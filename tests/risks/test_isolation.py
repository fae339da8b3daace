"""Charlie (Globex) sees nothing of Acme's — pages, API and exports answer 404 —
and cannot link Acme's assets or risks from Globex."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risks import services
from risks.models import Risk, TreatmentAction
from tests.factories import AssetFactory, TreatmentActionFactory, response_bytes


@pytest.fixture
def acme_data(acme, alice, acme_ai, acme_server):
    risk = services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": "Acme secret risk",
            "category": "information_security",
            "threat": "Ransomware",
            "affects_availability": True,
            "owner": alice,
            "inherent_likelihood": 3,
            "inherent_impact": 3,
        },
        assets=[acme_server],
    )
    action = TreatmentActionFactory(risk=risk, owner=alice)
    assessment = services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=acme_ai, values={"owner": alice, "scope": "Acme scope"}
    )
    item = services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": "safety",
            "affected_party": "society",
            "description": "Acme impact",
            "severity": 2,
            "likelihood": 2,
        },
    )
    return {"risk": risk, "action": action, "assessment": assessment, "item": item}


def test_acme_pages_answer_404_to_charlie(client, acme_data, charlie, password):
    client.login(username="charlie", password=password)
    risk, action, assessment, item = (acme_data[k] for k in ("risk", "action", "assessment", "item"))
    for url in [
        "/o/acme/risks/",
        "/o/acme/risks/heat-maps/",
        "/o/acme/risks/export/?format=csv",
        "/o/acme/risks/impact-assessments/",
        f"/o/acme/risks/{risk.pk}/",
        f"/o/acme/risks/{risk.pk}/history/",
        f"/o/acme/risks/impact-assessments/{assessment.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    # Another organization's ids under Charlie's own organization are not found either.
    for url in [
        f"/o/globex/risks/{risk.pk}/",
        f"/o/globex/risks/{risk.pk}/edit/",
        f"/o/globex/risks/{risk.pk}/history/",
        f"/o/globex/risks/impact-assessments/{assessment.pk}/",
        f"/o/globex/risks/{risk.pk}/actions/{action.pk}/edit/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/o/globex/risks/{risk.pk}/accept/",
        f"/o/globex/risks/{risk.pk}/delete/",
        f"/o/globex/risks/{risk.pk}/actions/{action.pk}/done/",
        f"/o/globex/risks/impact-assessments/{assessment.pk}/impacts/{item.pk}/raise-risk/",
        f"/o/globex/risks/impact-assessments/{assessment.pk}/sign-off/",
    ]:
        assert client.post(url, {"justification": "Mine now"}).status_code == 404, url
    assert Risk.objects.count() == 1 and not Risk.objects.get().is_accepted


def test_the_globex_register_lists_nothing_of_acme(client, acme_data, charlie, password):
    client.login(username="charlie", password=password)
    page = client.get("/o/globex/risks/").content.decode()
    assert "Acme secret risk" not in page
    export = response_bytes(client.get("/o/globex/risks/export/", {"format": "csv"})).decode("utf-8-sig")
    assert "Acme secret risk" not in export


def test_the_acme_api_answers_404_to_charlie(api_as, acme_data, charlie):
    client = api_as(charlie)
    risk, assessment, item, action = (acme_data[k] for k in ("risk", "assessment", "item", "action"))
    for url in [
        "/api/v1/organizations/acme/risks/",
        "/api/v1/organizations/acme/risk-methodology/",
        "/api/v1/organizations/acme/impact-assessments/",
        f"/api/v1/organizations/globex/risks/{risk.pk}/",
        f"/api/v1/organizations/globex/risks/{risk.pk}/history/",
        f"/api/v1/organizations/globex/impact-assessments/{assessment.pk}/",
        f"/api/v1/organizations/globex/impact-items/{item.pk}/",
        f"/api/v1/organizations/globex/treatment-actions/{action.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/api/v1/organizations/globex/risks/{risk.pk}/accept/", {"justification": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/organizations/globex/impact-items/{item.pk}/raise-risk/").status_code == 404
    assert client.delete(f"/api/v1/organizations/globex/risks/{risk.pk}/").status_code == 404
    assert client.get("/api/v1/organizations/globex/risks/").json()["count"] == 0


def test_charlie_cannot_link_acme_assets_or_risks_from_globex(
    api_as, globex, acme_data, charlie, acme_server, acme_ai
):
    client = api_as(charlie)
    body = {
        "title": "Globex risk",
        "category": "information_security",
        "threat": "Flood",
        "affects_availability": True,
        "inherent_likelihood": 2,
        "inherent_impact": 2,
        "assets": [acme_server.pk],
    }
    response = client.post("/api/v1/organizations/globex/risks/", body)
    assert response.status_code == 400 and "assets" in response.json()
    action = client.post(
        "/api/v1/organizations/globex/treatment-actions/",
        {
            "risk": acme_data["risk"].pk,
            "description": "Take over",
            "owner": "charlie",
            "due_date": "2030-01-01",
        },
    )
    assert action.status_code == 400 and "risk" in action.json()
    assessment = client.post(
        "/api/v1/organizations/globex/impact-assessments/", {"ai_system": acme_ai.pk, "scope": "Theirs"}
    )
    assert assessment.status_code == 400 and "ai_system" in assessment.json()
    item = client.post(
        "/api/v1/organizations/globex/impact-items/",
        {
            "assessment": acme_data["assessment"].pk,
            "area": "safety",
            "affected_party": "society",
            "description": "x",
            "severity": 1,
            "likelihood": 1,
        },
    )
    assert item.status_code == 400 and "assessment" in item.json()
    assert TreatmentAction.objects.count() == 1


def test_the_services_refuse_another_organizations_records(globex, charlie, acme_data, acme_server):
    globex_asset = AssetFactory(organization=globex, owner=charlie)
    with pytest.raises(ValidationError) as caught:
        services.risk_create(
            organization=globex,
            actor=charlie,
            values={
                "title": "Mixed",
                "category": "information_security",
                "threat": "x",
                "affects_availability": True,
                "owner": charlie,
                "inherent_likelihood": 1,
                "inherent_impact": 1,
            },
            assets=[globex_asset, acme_server],
        )
    assert caught.value.message_dict["assets"] == ["Choose assets of this organization."]
    with pytest.raises(PermissionDenied):
        services.risk_update(risk=acme_data["risk"], actor=charlie, values={"title": "Mine"})
    with pytest.raises(PermissionDenied):
        services.impact_item_raise_risk(item=acme_data["item"], actor=charlie)
