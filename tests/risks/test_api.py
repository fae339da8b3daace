"""The register through the API: create, change and delete risks with their
controls and assets, plan treatment, and run an assessment's review."""

import pytest

from risks.models import Risk, TreatmentAction

BASE = "/api/v1/organizations/acme"


@pytest.fixture
def created(api_as, acme, alice, acme_server, catalogues):
    response = api_as(alice).post(
        f"{BASE}/risks/",
        {
            "title": "Ransomware on the inference cluster",
            "category": "both",
            "threat": "Ransomware",
            "affects_availability": True,
            "ai_harm_area": "robustness_accuracy_drift",
            "inherent_likelihood": 4,
            "inherent_impact": 4,
            "assets": [acme_server.pk],
            "controls": ["ISO27001:8.7", "iso42001:A.6.2.8"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_risk_is_created_with_its_links_and_computed_rating(created, alice):
    assert created["reference"] == "R-001" and created["owner"] == "alice"
    assert (created["inherent_score"], created["inherent_level"], created["level"]) == (
        16,
        "critical",
        "critical",
    )
    assert created["above_appetite"] is True
    assert created["controls"] == ["ISO27001:8.7", "ISO42001:A.6.2.8"]
    assert [a["identifier"] for a in created["affected_assets"]] == ["AST-0001"]
    assert created["status"] == "identified" and created["acceptance"] is None


def test_errors_come_back_per_field(api_as, alice, created):
    response = api_as(alice).post(
        f"{BASE}/risks/",
        {
            "title": "Bad",
            "category": "ai",
            "inherent_likelihood": 9,
            "inherent_impact": 1,
            "controls": ["ISO27001:0.0"],
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["controls"] == ["Not controls of either catalogue: ISO27001:0.0."]
    response = api_as(alice).post(
        f"{BASE}/risks/",
        {"title": "Bad", "category": "ai", "inherent_likelihood": 9, "inherent_impact": 1},
        format="json",
    )
    assert response.json()["inherent_likelihood"] == ["The likelihood scale runs from 1 to 5."]
    assert response.json()["ai_harm_area"] == ["An AI risk names the area where it does harm."]


def test_a_patch_changes_only_what_it_sends(api_as, alice, created):
    url = f"{BASE}/risks/{created['id']}/"
    response = api_as(alice).patch(
        url, {"residual_likelihood": 2, "residual_impact": 2, "controls": ["ISO27001:8.7"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["residual_score"], body["level"], body["controls"]) == (4, "medium", ["ISO27001:8.7"])
    assert [a["identifier"] for a in body["affected_assets"]] == ["AST-0001"]
    assert api_as(alice).delete(url).status_code == 204
    assert not Risk.objects.exists()


def test_treatment_actions_are_planned_and_completed(api_as, alice, carol, created):
    response = api_as(alice).post(
        f"{BASE}/treatment-actions/",
        {"risk": created["id"], "description": "Patch the nodes", "owner": "carol", "due_date": "2020-01-01"},
    )
    assert response.status_code == 201, response.json()
    action = response.json()
    assert action["is_overdue"] is True and action["owner"] == "carol"
    overdue = api_as(alice).get(
        f"{BASE}/treatment-actions/", {"due_date__lte": "2021-01-01", "status": "open"}
    )
    assert overdue.json()["count"] == 1
    # The action's owner completes it, but may not move its date.
    owner = api_as(carol)
    assert (
        owner.patch(f"{BASE}/treatment-actions/{action['id']}/", {"due_date": "2031-01-01"}).status_code
        == 403
    )
    done = owner.patch(f"{BASE}/treatment-actions/{action['id']}/", {"status": "done"})
    assert done.status_code == 200 and done.json()["completed_on"] is not None
    assert TreatmentAction.objects.get().status == "done"
    risk = api_as(alice).get(f"{BASE}/risks/{created['id']}/").json()
    assert risk["status"] == "in_treatment" and risk["actions"][0]["status"] == "done"


def test_reviewing_through_the_api(api_as, alice, created):
    response = api_as(alice).post(f"{BASE}/risks/{created['id']}/review/", {"note": "Quarterly"})
    assert response.status_code == 200 and response.json()["last_reviewed_on"] is not None


def test_an_assessment_is_reviewed_and_signed_off_through_the_api(api_as, acme, alice, olivia, bob, acme_ai):
    client = api_as(alice)
    created = client.post(
        f"{BASE}/impact-assessments/",
        {"ai_system": acme_ai.pk, "scope": "Claims triage.", "summary": "Fine."},
    )
    assert created.status_code == 201, created.json()
    url = f"{BASE}/impact-assessments/{created.json()['id']}/"
    item = client.post(
        f"{BASE}/impact-items/",
        {
            "assessment": created.json()["id"],
            "area": "privacy",
            "affected_party": "individuals",
            "description": "Health data to a vendor.",
            "severity": 4,
            "likelihood": 2,
        },
    )
    assert item.status_code == 201, item.json()
    assert (
        client.put(url + "reviewers/", {"reviewers": ["bob"]}, format="json").status_code == 400
    )  # a viewer
    assert client.put(url + "reviewers/", {"reviewers": ["olivia"]}, format="json").status_code == 200
    waiting = client.post(url + "sign-off/", {})
    assert (
        waiting.status_code == 400
        and "Waiting for the review of Olivia Ortiz." in waiting.json()["reviewers"]
    )
    assert api_as(bob).post(url + "review/", {"comment": "Me too"}).status_code == 403
    reviewed = api_as(olivia).post(url + "review/", {"comment": "Checked."})
    assert reviewed.status_code == 200 and reviewed.json()["reviewers"][0]["comment"] == "Checked."
    signed = client.post(url + "sign-off/", {})
    assert signed.status_code == 200 and signed.json()["signed_off_by"] == "alice"
    frozen = client.patch(f"{BASE}/impact-items/{item.json()['id']}/", {"severity": 1})
    assert frozen.status_code == 400
