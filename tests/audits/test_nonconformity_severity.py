"""A nonconformity stays one: the finding of an item recorded as a nonconformity is a
nonconformity (never raised or changed to less), the audit does not close while such an
item lacks a nonconformity finding, and that finding closes only after verified actions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audits import services
from audits.models import Finding, FindingStatus

from .conftest import ISO42001, plan, record_all

BASE = "/api/v1/organizations/acme"
TODAY = datetime.date.today()


@pytest.fixture
def small_audit(acme, alice, audrey, version):
    """A started 42001 audit (43 clauses, 37 controls) with Audrey on its team."""
    return services.audit_start(audit=plan(acme, alice, frameworks=[ISO42001], team=[audrey]), actor=alice)


@pytest.fixture
def nc_item(small_audit, audrey):
    item = small_audit.items.order_by("position").first()
    return services.checklist_item_record(item=item, actor=audrey, values={"result": "major_nc"})


def test_a_nonconformity_cannot_be_raised_as_an_observation(nc_item, audrey):
    with pytest.raises(ValidationError) as refused:
        services.finding_create(item=nc_item, actor=audrey, description="x", severity="observation")
    assert "major nonconformity" in refused.value.message_dict["severity"][0]
    assert not Finding.objects.filter(checklist_item=nc_item).exists()


def test_a_nonconformity_finding_is_never_lowered_below_a_nonconformity(nc_item, audrey):
    finding = services.finding_create(item=nc_item, actor=audrey, description="No scope.")
    assert finding.severity == "major_nc"
    for lower in ("observation", "opportunity"):
        with pytest.raises(ValidationError) as refused:
            services.finding_update(finding=finding, actor=audrey, values={"severity": lower})
        assert "severity" in refused.value.message_dict
    finding = services.finding_update(finding=finding, actor=audrey, values={"severity": "minor_nc"})
    assert Finding.objects.get(pk=finding.pk).severity == "minor_nc"


def test_the_model_refuses_a_lowered_severity_on_every_path(nc_item, audrey):
    finding = services.finding_create(item=nc_item, actor=audrey, description="No scope.")
    finding.severity = "observation"
    with pytest.raises(ValidationError, match="major_nc or minor_nc"):
        finding.save()
    with pytest.raises(ValidationError, match="major_nc or minor_nc"):
        Finding.objects.filter(pk=finding.pk).update(severity="observation")
    with pytest.raises(ValidationError, match="on its own"):
        Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.CLOSED)
    assert Finding.objects.get(pk=finding.pk).severity == "major_nc"


def test_an_observation_finding_may_still_be_raised_on_an_observation(small_audit, audrey):
    item = small_audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "observation"})
    finding = services.finding_create(item=item, actor=audrey, description="Could be clearer.")
    assert services.finding_update(finding=finding, actor=audrey, values={"severity": "opportunity"})


def test_the_audit_does_not_close_while_a_nonconformity_has_only_an_observation_finding(
    small_audit, alice, audrey
):
    record_all(small_audit, audrey)
    item = small_audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "observation"})
    finding = services.finding_create(item=item, actor=audrey, description="Scope unclear.")
    # The auditor grades the item up later; the observation no longer explains it.
    services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc"})
    assert services.audit_close_blockers(small_audit) == [
        "4 is a nonconformity whose findings are not: raise its finding as major_nc or minor_nc."
    ]
    with pytest.raises(services.AuditCloseBlocked):
        services.audit_close(audit=small_audit, actor=alice)
    services.finding_update(finding=finding, actor=audrey, values={"severity": "minor_nc"})
    assert services.audit_close_blockers(small_audit) == []


def test_the_reviewers_probe_is_refused_through_the_api(api_as, small_audit, audrey, alice):
    """Item major_nc, finding posted as an observation, closed, audit closed: each step refused."""
    record_all(small_audit, audrey)
    item = small_audit.items.order_by("position").first()
    auditor = api_as(audrey)
    assert (
        auditor.patch(f"{BASE}/audit-items/{item.pk}/", {"result": "major_nc"}, format="json").status_code
        == 200
    )
    lowered = auditor.post(
        f"{BASE}/findings/",
        {"checklist_item": item.pk, "severity": "observation", "description": "No scope."},
        format="json",
    )
    assert lowered.status_code == 400
    assert "major_nc or minor_nc" in lowered.json()["severity"][0]
    closing = api_as(alice).post(f"{BASE}/audits/{small_audit.pk}/close/")
    assert closing.status_code == 400
    assert closing.json()["blockers"] == ["4 is a nonconformity without a finding."]

    raised = auditor.post(
        f"{BASE}/findings/", {"checklist_item": item.pk, "description": "No scope."}, format="json"
    )
    assert raised.status_code == 201 and raised.json()["severity"] == "major_nc"
    finding = raised.json()["id"]
    patched = auditor.patch(f"{BASE}/findings/{finding}/", {"severity": "observation"}, format="json")
    assert patched.status_code == 400 and "severity" in patched.json()
    refused = auditor.post(f"{BASE}/findings/{finding}/close/")
    assert refused.status_code == 400
    assert "at least one corrective action" in str(refused.json())
    assert Finding.objects.get(pk=finding).status == FindingStatus.OPEN


def test_the_page_refuses_an_observation_on_a_nonconformity(client, small_audit, nc_item, audrey):
    client.force_login(audrey)
    url = f"/o/acme/audits/{small_audit.pk}/checklist/{nc_item.pk}/finding/"
    response = client.post(url, {"severity": "observation", "description": "No scope."})
    assert response.status_code == 400
    assert response.context["form"].errors["severity"] == [
        "4 is recorded as a major nonconformity: its finding is a nonconformity too (major_nc or minor_nc)."
    ]
    assert not Finding.objects.filter(checklist_item=nc_item).exists()
