"""Only the auditors assigned to an audit (lead or team) and officers record its results."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits import services

from .conftest import ISO27001, plan


def _item(audit):
    return audit.items.order_by("position").first()


def test_an_assigned_auditor_records_a_result(audit, audrey):
    item = services.checklist_item_record(
        item=_item(audit), actor=audrey, values={"result": "minor_nc", "notes": "No review of access rights."}
    )
    item.refresh_from_db()
    assert (item.result, item.recorded_by, item.notes) == ("minor_nc", audrey, "No review of access rights.")
    assert item.history.first().history_user == audrey


def test_the_lead_auditor_records_a_result(acme, alice, audrey, version):
    audit = services.audit_start(audit=plan(acme, alice, lead=audrey, frameworks=[ISO27001]), actor=alice)
    services.checklist_item_record(item=_item(audit), actor=audrey, values={"result": "conforming"})


def test_an_officer_records_a_result_without_being_on_the_team(audit, olivia):
    services.checklist_item_record(item=_item(audit), actor=olivia, values={"result": "observation"})


@pytest.mark.parametrize("who", ["axel", "carol", "bob"])
def test_others_cannot_record_results(request, audit, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.checklist_item_record(item=_item(audit), actor=user, values={"result": "conforming"})


def test_charlie_cannot_record_results(audit, charlie):
    with pytest.raises(PermissionDenied):
        services.checklist_item_record(item=_item(audit), actor=charlie, values={"result": "conforming"})


def test_results_wait_for_the_audit_to_start(acme, alice, audrey):
    audit = plan(acme, alice, team=[audrey])
    with pytest.raises(ValidationError, match="once the audit has started"):
        services.checklist_item_record(item=_item(audit), actor=audrey, values={"result": "conforming"})


def test_an_auditor_cannot_plan_or_start_audits(acme, alice, audrey, version):
    with pytest.raises(PermissionDenied):
        plan(acme, audrey)
    audit = plan(acme, alice, team=[audrey])
    with pytest.raises(PermissionDenied):
        services.audit_start(audit=audit, actor=audrey)


def test_the_team_must_be_members(acme, alice, charlie):
    with pytest.raises(ValidationError, match="not a member"):
        plan(acme, alice, team=[charlie])


def test_api_assigned_auditor_patches_an_item_others_are_refused(api_as, audit, audrey, axel, bob):
    item = _item(audit)
    url = f"/api/v1/organizations/acme/audit-items/{item.pk}/"
    assert api_as(axel).patch(url, {"result": "conforming"}, format="json").status_code == 403
    assert api_as(bob).patch(url, {"result": "conforming"}, format="json").status_code == 403
    response = api_as(audrey).patch(url, {"result": "major_nc", "notes": "No policy."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "major_nc"
    assert response.json()["clause"] == {"framework": ISO27001, "reference": "4", "title": item.clause.title}


def test_api_checklist_item_through_its_audit(api_as, audit, audrey):
    item = _item(audit)
    url = f"/api/v1/organizations/acme/audits/{audit.pk}/checklist/{item.pk}/"
    response = api_as(audrey).patch(url, {"result": "conforming"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "conforming"
