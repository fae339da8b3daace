"""Results → findings → corrective actions → verification; a nonconformity cannot
close before its actions are verified effective; overdue actions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits import selectors, services
from audits.models import Finding, FindingStatus

TODAY = datetime.date.today()


@pytest.fixture
def nc_item(audit, audrey):
    item = audit.items.order_by("position").first()
    return services.checklist_item_record(item=item, actor=audrey, values={"result": "major_nc"})


@pytest.fixture
def finding(nc_item, audrey):
    return services.finding_create(item=nc_item, actor=audrey, description="No ISMS scope document.")


def _action(finding, actor, owner, *, due=TODAY + datetime.timedelta(days=30)):
    return services.corrective_action_create(
        actor=actor,
        finding=finding,
        values={
            "root_cause": "Nobody owns it.",
            "action": "Write the scope.",
            "owner": owner,
            "due_date": due,
        },
    )


def test_a_finding_takes_its_severity_and_standards_from_the_item(finding, nc_item):
    assert finding.severity == "major_nc"
    assert finding.frameworks == nc_item.frameworks == ["iso27001-2022", "iso42001-2023"]
    assert finding.audit == nc_item.audit
    assert finding.reference == "F-1"


def test_no_finding_from_a_conforming_item(audit, audrey):
    item = audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "conforming"})
    with pytest.raises(ValidationError, match="other than conforming"):
        services.finding_create(item=item, actor=audrey, description="x")


def test_a_nonconformity_cannot_close_without_actions(finding, audrey):
    with pytest.raises(ValidationError, match="at least one corrective action"):
        services.finding_close(finding=finding, actor=audrey)


def test_a_nonconformity_cannot_close_before_its_actions_are_verified(finding, audrey, carol, olivia):
    action = _action(finding, olivia, carol)
    with pytest.raises(ValidationError, match="not verified effective"):
        services.finding_close(finding=finding, actor=audrey)
    services.corrective_action_update(action=action, actor=carol, values={"status": "done"})
    with pytest.raises(ValidationError, match="not verified effective"):
        services.finding_close(finding=finding, actor=audrey)
    services.corrective_action_verify(action=action, actor=audrey, result="effective")
    closed = services.finding_close(finding=finding, actor=audrey)
    assert closed.status == FindingStatus.CLOSED and closed.closed_by == audrey


def test_the_model_refuses_closing_an_unverified_nonconformity_too(finding, olivia, carol):
    _action(finding, olivia, carol)
    finding = Finding.objects.get(pk=finding.pk)
    finding.status = FindingStatus.CLOSED
    with pytest.raises(ValidationError, match="not verified effective"):
        finding.save()


def test_an_observation_closes_without_actions(audit, audrey):
    item = audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "observation"})
    finding = services.finding_create(item=item, actor=audrey, description="Could be clearer.")
    assert services.finding_close(finding=finding, actor=audrey).status == FindingStatus.CLOSED


def test_verification_records_who_when_and_what(finding, audrey, carol, olivia):
    action = _action(finding, olivia, carol)
    with pytest.raises(ValidationError, match="Only a done action"):
        services.corrective_action_verify(action=action, actor=audrey, result="effective")
    services.corrective_action_update(action=action, actor=carol, values={"status": "done"})
    with pytest.raises(ValidationError, match="why"):
        services.corrective_action_verify(action=action, actor=audrey, result="not_effective")
    action = services.corrective_action_verify(
        action=action, actor=audrey, result="not_effective", notes="Scope still missing AI systems."
    )
    assert (action.verified_by, action.verification_result, action.status) == (
        audrey,
        "not_effective",
        "in_progress",
    )
    assert action.verified_at is not None and action.completed_at is None


def test_an_unassigned_auditor_cannot_verify(finding, axel, carol, olivia):
    action = _action(finding, olivia, carol)
    services.corrective_action_update(action=action, actor=carol, values={"status": "done"})
    with pytest.raises(PermissionDenied):
        services.corrective_action_verify(action=action, actor=axel, result="effective")


def test_a_contributor_progresses_only_their_own_actions(finding, olivia, carol, alice):
    mine = _action(finding, olivia, carol)
    theirs = _action(finding, olivia, alice)
    services.corrective_action_update(action=mine, actor=carol, values={"status": "in_progress"})
    with pytest.raises(PermissionDenied):
        services.corrective_action_update(action=theirs, actor=carol, values={"status": "done"})


def test_overdue_actions_selector(finding, olivia, carol, alice):
    late = _action(finding, olivia, carol, due=TODAY - datetime.timedelta(days=3))
    later = _action(finding, olivia, alice, due=TODAY - datetime.timedelta(days=10))
    _action(finding, olivia, carol, due=TODAY + datetime.timedelta(days=1))
    due_today = _action(finding, olivia, carol, due=TODAY)
    done = _action(finding, olivia, carol, due=TODAY - datetime.timedelta(days=5))
    services.corrective_action_update(action=done, actor=carol, values={"status": "done"})
    assert list(selectors.overdue_corrective_actions_for(finding.organization)) == [later, late]
    assert list(selectors.overdue_corrective_actions_for(finding.organization, owner=carol)) == [late]
    assert due_today not in selectors.overdue_corrective_actions_for(finding.organization)


def test_api_results_to_verified_action(api_as, audit, audrey, olivia, carol):
    item = audit.items.order_by("position").first()
    base = "/api/v1/organizations/acme"
    api_as(audrey).patch(f"{base}/audit-items/{item.pk}/", {"result": "minor_nc"}, format="json")
    response = api_as(audrey).post(
        f"{base}/findings/", {"checklist_item": item.pk, "description": "Scope not reviewed."}, format="json"
    )
    assert response.status_code == 201, response.content
    finding = response.json()
    assert finding["severity"] == "minor_nc" and finding["subject"]["reference"] == "4"
    response = api_as(olivia).post(
        f"{base}/corrective-actions/",
        {
            "finding": finding["id"],
            "root_cause": "No owner.",
            "action": "Review the scope yearly.",
            "owner": "carol",
            "due_date": str(TODAY),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    action_id = response.json()["id"]
    closing = api_as(audrey).post(f"{base}/findings/{finding['id']}/close/")
    assert closing.status_code == 400 and "not verified effective" in str(closing.json())
    assert (
        api_as(carol)
        .patch(f"{base}/corrective-actions/{action_id}/", {"status": "done"}, format="json")
        .status_code
        == 200
    )
    assert (
        api_as(carol)
        .post(f"{base}/corrective-actions/{action_id}/verify/", {"result": "effective"})
        .status_code
        == 403
    )
    verified = api_as(audrey).post(f"{base}/corrective-actions/{action_id}/verify/", {"result": "effective"})
    assert verified.status_code == 200, verified.content
    assert verified.json()["verified_by"] == "audrey"
    closed = api_as(audrey).post(f"{base}/findings/{finding['id']}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
