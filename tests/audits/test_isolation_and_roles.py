"""Alice/Bob/Charlie on every endpoint: Charlie (Globex) gets 404 for each of Acme's
records and sees none in lists; Bob (viewer) reads but changes nothing; anonymous is 401."""

import datetime

import pytest

from audits import services

BASE = "/api/v1/organizations/acme"
TODAY = datetime.date.today()


@pytest.fixture
def records(audit, alice, audrey, carol):
    item = audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc"})
    finding = services.finding_create(item=item, actor=audrey, description="Scope not reviewed.")
    action = services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "No owner.", "action": "Review it.", "owner": carol, "due_date": TODAY},
    )
    review = services.management_review_create(
        organization=audit.organization, actor=alice, values={"date": TODAY}
    )
    return {
        "audits": audit.pk,
        "audit-items": item.pk,
        "findings": finding.pk,
        "corrective-actions": action.pk,
        "management-reviews": review.pk,
    }


ENDPOINTS = ["audits", "audit-items", "findings", "corrective-actions", "management-reviews"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_charlie_sees_nothing_of_acme(api_as, records, charlie, endpoint):
    client = api_as(charlie)
    pk = records[endpoint]
    assert client.get(f"{BASE}/{endpoint}/").status_code == 404
    assert client.get(f"{BASE}/{endpoint}/{pk}/").status_code == 404
    assert client.patch(f"{BASE}/{endpoint}/{pk}/", {}, format="json").status_code == 404
    assert client.get(f"{BASE}/{endpoint}/{pk}/history/").status_code == 404
    # Through his own organization, Acme's record does not exist either.
    assert client.get(f"/api/v1/organizations/globex/{endpoint}/{pk}/").status_code == 404
    assert client.get(f"/api/v1/organizations/globex/{endpoint}/").json()["results"] == []


def test_charlie_cannot_reach_acme_actions_or_link_to_its_records(api_as, records, charlie, globex):
    client = api_as(charlie)
    audit = records["audits"]
    for path in [
        f"audits/{audit}/start/",
        f"audits/{audit}/close/",
        f"audits/{audit}/report/",
        f"findings/{records['findings']}/close/",
        f"corrective-actions/{records['corrective-actions']}/verify/",
    ]:
        assert client.post(f"/api/v1/organizations/globex/{path}").status_code == 404
    assert client.get(f"/api/v1/organizations/globex/audits/{audit}/checklist/").status_code == 404
    response = client.post(
        "/api/v1/organizations/globex/findings/",
        {"checklist_item": records["audit-items"], "description": "x"},
        format="json",
    )
    assert response.status_code == 400 and "checklist_item" in response.json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_bob_reads_every_endpoint(api_as, records, bob, endpoint):
    client = api_as(bob)
    assert client.get(f"{BASE}/{endpoint}/").json()["count"] >= 1
    assert client.get(f"{BASE}/{endpoint}/{records[endpoint]}/").status_code == 200


def test_bob_changes_nothing(api_as, records, bob):
    client = api_as(bob)
    audit = records["audits"]
    assert client.patch(f"{BASE}/audits/{audit}/", {"title": "x"}, format="json").status_code == 403
    assert client.post(f"{BASE}/audits/{audit}/close/").status_code == 403
    assert (
        client.patch(
            f"{BASE}/audit-items/{records['audit-items']}/", {"notes": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"{BASE}/findings/{records['findings']}/", {"description": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{BASE}/corrective-actions/{records['corrective-actions']}/verify/", {"result": "effective"}
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"{BASE}/corrective-actions/{records['corrective-actions']}/", {"status": "done"}, format="json"
        ).status_code
        == 403
    )
    assert client.post(f"{BASE}/management-reviews/", {"date": str(TODAY)}, format="json").status_code == 403


def test_anonymous_is_401(api_client, records):
    for endpoint in ENDPOINTS:
        assert api_client.get(f"{BASE}/{endpoint}/").status_code == 401


def test_only_officers_plan_audits(api_as, acme, alice, audrey, carol, olivia):
    body = {
        "title": "Surveillance 2026",
        "type": "surveillance",
        "frameworks": ["iso27001-2022", "iso42001-2023"],
        "planned_start": str(TODAY),
        "planned_end": str(TODAY),
        "lead_auditor": "audrey",
        "team": ["carol"],
    }
    assert api_as(carol).post(f"{BASE}/audits/", body, format="json").status_code == 403
    assert api_as(audrey).post(f"{BASE}/audits/", body, format="json").status_code == 403
    response = api_as(olivia).post(f"{BASE}/audits/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["lead_auditor"], data["team"], data["item_count"]) == (
        "planned",
        "audrey",
        ["carol"],
        43,
    )


def test_api_filters(api_as, acme, alice, audrey, version):
    from .conftest import ISO27001, ISO42001, plan

    only = plan(acme, alice, frameworks=[ISO27001], title="ISMS only")
    combined = plan(acme, alice, lead=audrey, type="certification_stage1", title="Both")
    client = api_as(alice)

    def ids(query):
        response = client.get(f"{BASE}/audits/?{query}")
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["results"]}

    assert ids("scope=combined") == {combined.pk}
    assert ids(f"scope={ISO27001}") == {only.pk, combined.pk}
    assert ids(f"scope={ISO42001}") == {combined.pk}
    assert ids("type=certification_stage1") == {combined.pk}
    assert ids("lead=audrey") == {combined.pk}
    assert ids("status=planned") == {only.pk, combined.pk}
    assert ids("status=closed") == set()
    assert client.get(f"{BASE}/audits/?status=nonsense").status_code == 400


def test_api_start_without_an_approved_version_is_400(api_as, acme, alice):
    from .conftest import plan

    audit = plan(acme, alice)
    response = api_as(alice).post(f"{BASE}/audits/{audit.pk}/start/")
    assert response.status_code == 400
    assert "No SoA version is approved" in str(response.json())


def test_the_admin_is_read_only(client, records, django_user_model):
    staff = django_user_model.objects.create_superuser("support", "support@example.com", "pw-Support-1")
    client.force_login(staff)
    audit = records["audits"]
    assert client.get(f"/admin/audits/audit/{audit}/change/").status_code == 200
    assert client.post(f"/admin/audits/audit/{audit}/delete/").status_code == 403
    assert client.get("/admin/audits/audit/add/").status_code == 403
