"""Auditors record results only on the audits they are assigned to: Axel has the auditor
role but is neither the lead nor on the team, and every write on the audit's results is
refused him, on the pages and the API; Olivia (an officer, not on the team) runs the
programme and may (decision 13)."""

import datetime

import pytest

from audits import services
from audits.models import ChecklistItem, CorrectiveAction, Finding, FindingStatus

BASE = "/api/v1/organizations/acme"
TODAY = datetime.date.today()


@pytest.fixture
def work(audit, audrey, olivia, carol):
    """An observation (closable without actions, so only the role refuses it) and a
    nonconformity with a done action awaiting verification."""
    first, second, third = audit.items.order_by("position")[:3]
    services.checklist_item_record(item=first, actor=audrey, values={"result": "observation"})
    observation = services.finding_create(item=first, actor=audrey, description="Could be clearer.")
    services.checklist_item_record(item=second, actor=audrey, values={"result": "minor_nc"})
    nonconformity = services.finding_create(item=second, actor=audrey, description="No review.")
    action = services.corrective_action_create(
        actor=olivia,
        finding=nonconformity,
        values={"root_cause": "No owner.", "action": "Review it.", "owner": carol, "due_date": TODAY},
    )
    services.corrective_action_update(action=action, actor=carol, values={"status": "done"})
    return {"audit": audit, "item": third, "observation": observation, "action": action}


def _untouched(work):
    assert ChecklistItem.objects.get(pk=work["item"].pk).result == ""
    assert Finding.objects.get(pk=work["observation"].pk).status == FindingStatus.OPEN
    assert Finding.objects.get(pk=work["observation"].pk).description == "Could be clearer."
    assert CorrectiveAction.objects.get(pk=work["action"].pk).verification_result == ""


def test_the_api_refuses_every_result_write_to_an_unassigned_auditor(api_as, work, axel):
    audit, item, observation, action = work["audit"], work["item"], work["observation"], work["action"]
    client = api_as(axel)
    assert client.get(f"{BASE}/audits/{audit.pk}/checklist/").status_code == 200  # he reads it
    refused = [
        client.patch(f"{BASE}/audit-items/{item.pk}/", {"result": "conforming"}, format="json"),
        client.patch(
            f"{BASE}/audits/{audit.pk}/checklist/{item.pk}/", {"result": "conforming"}, format="json"
        ),
        client.post(
            f"{BASE}/findings/",
            {"checklist_item": observation.checklist_item_id, "description": "x"},
            format="json",
        ),
        client.patch(f"{BASE}/findings/{observation.pk}/", {"description": "Mine now."}, format="json"),
        client.post(f"{BASE}/findings/{observation.pk}/close/"),
        client.post(f"{BASE}/corrective-actions/{action.pk}/verify/", {"result": "effective"}, format="json"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    _untouched(work)


def test_the_pages_refuse_every_result_write_to_an_unassigned_auditor(client, work, axel):
    audit, item, observation, action = work["audit"], work["item"], work["observation"], work["action"]
    client.force_login(axel)
    url = f"/o/acme/audits/{audit.pk}/checklist/{item.pk}/"
    refused = [
        client.post(f"{url}record/", {"result": "conforming"}),
        client.post(
            f"/o/acme/audits/{audit.pk}/checklist/{observation.checklist_item_id}/finding/",
            {"severity": "observation", "description": "x"},
        ),
        client.post(f"/o/acme/audits/findings/{observation.pk}/close/"),
        client.post(f"/o/acme/audits/corrective-actions/{action.pk}/verify/", {"result": "effective"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert Finding.objects.filter(checklist_item_id=observation.checklist_item_id).count() == 1
    _untouched(work)


def test_an_officer_off_the_team_records_as_the_programme_runner(api_as, work, olivia):
    item = work["item"]
    response = api_as(olivia).patch(f"{BASE}/audit-items/{item.pk}/", {"result": "conforming"}, format="json")
    assert response.status_code == 200, response.content
    assert ChecklistItem.objects.get(pk=item.pk).recorded_by == olivia  # the report shows who
