"""Closing: what blocks it, and a closed audit refusing change on every path —
model save and delete, queryset update and delete, its team, scope lists,
checklist items and evidence, its findings' link to it, and the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from assets.models import Asset
from audits import services
from audits.models import Audit, AuditTeamMember, ChecklistItem, Finding
from core.freezing import RecordFrozen
from tests.factories import AssetFactory

from .conftest import ISO27001, plan, record_all


@pytest.fixture
def closed(acme, alice, audrey, version):
    audit = services.audit_start(audit=plan(acme, alice, frameworks=[ISO27001], team=[audrey]), actor=alice)
    record_all(audit, audrey)
    item = audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "observation"})
    services.finding_create(item=item, actor=audrey, description="Could be clearer.")
    return services.audit_close(audit=audit, actor=alice)


def test_close_lists_what_blocks_it(audit, alice, audrey):
    with pytest.raises(services.AuditCloseBlocked) as refused:
        services.audit_close(audit=audit, actor=alice)
    assert refused.value.blockers == [
        "172 checklist items have no result: 4, 4.1, 4.2, 4.3, 4.4, 5, 5.1, 5.2, 5.3, 6 and 162 more."
    ]
    record_all(audit, audrey)
    item = audit.items.order_by("position").first()
    services.checklist_item_record(item=item, actor=audrey, values={"result": "major_nc"})
    with pytest.raises(services.AuditCloseBlocked) as refused:
        services.audit_close(audit=audit, actor=alice)
    assert refused.value.blockers == ["4 is a nonconformity without a finding."]


def test_api_close_answers_400_with_the_blockers(api_as, audit, alice):
    response = api_as(alice).post(f"/api/v1/organizations/acme/audits/{audit.pk}/close/")
    assert response.status_code == 400
    assert response.json()["blockers"][0].startswith("172 checklist items have no result")


def test_closing_records_the_end(closed):
    assert closed.status == "closed" and closed.actual_end is not None


def test_model_save_and_delete_are_refused(closed):
    audit = Audit.objects.get(pk=closed.pk)
    audit.title = "Rewritten"
    with pytest.raises(RecordFrozen):
        audit.save()
    with pytest.raises(RecordFrozen):
        audit.delete()


def test_queryset_update_and_delete_are_refused(closed):
    with pytest.raises(RecordFrozen):
        Audit.objects.filter(pk=closed.pk).update(title="Rewritten")
    with pytest.raises(RecordFrozen):
        Audit.objects.filter(pk=closed.pk).delete()
    with pytest.raises(RecordFrozen):
        ChecklistItem.objects.filter(audit=closed).update(result="major_nc")
    with pytest.raises(RecordFrozen):
        AuditTeamMember.objects.filter(audit=closed).delete()
    assert Audit.objects.get(pk=closed.pk).title == "Internal audit 2026"


def test_items_team_and_scope_lists_are_refused(closed, alice, acme):
    item = ChecklistItem.objects.filter(audit=closed).first()
    item.result = "major_nc"
    with pytest.raises(RecordFrozen):
        item.save()
    with pytest.raises(RecordFrozen):
        item.delete()
    with pytest.raises(RecordFrozen):
        AuditTeamMember(organization=acme, audit=closed, user=alice).save()
    asset = AssetFactory(organization=acme)
    # Many-to-many writes run in a transaction without a savepoint: give each its own.
    with pytest.raises(RecordFrozen), transaction.atomic():
        closed.assets.add(asset)
    with pytest.raises(RecordFrozen), transaction.atomic():
        Asset.objects.get(pk=asset.pk).audits.add(closed)
    with pytest.raises(RecordFrozen), transaction.atomic():
        closed.themes.clear()


def test_findings_keep_their_audit_link(closed, audrey):
    finding = Finding.objects.get(audit=closed)
    finding.severity = "major_nc"
    with pytest.raises(RecordFrozen):
        finding.save()
    with pytest.raises(RecordFrozen):
        Finding.objects.filter(pk=finding.pk).update(severity="major_nc")
    with pytest.raises(RecordFrozen):
        Finding.objects.filter(pk=finding.pk).delete()
    with pytest.raises(RecordFrozen):
        services.finding_create(item=finding.checklist_item, actor=audrey, description="Late one.")
    # The follow-up goes on: an observation is closed after the audit.
    finding = Finding.objects.get(pk=finding.pk)
    assert services.finding_close(finding=finding, actor=audrey).status == "closed"


def test_services_refuse(closed, alice, audrey):
    item = closed.items.first()
    with pytest.raises(RecordFrozen):
        services.audit_update(audit=closed, actor=alice, values={"title": "x"})
    with pytest.raises(RecordFrozen):
        services.audit_close(audit=closed, actor=alice)
    with pytest.raises(RecordFrozen):
        services.checklist_item_record(item=item, actor=audrey, values={"result": "major_nc"})
    with pytest.raises(RecordFrozen):
        services.audit_checklist_build(audit=closed, actor=alice)


def test_every_api_change_path_answers_400_with_the_message(api_as, closed, alice):
    client = api_as(alice)
    base = "/api/v1/organizations/acme"
    item = closed.items.first()
    pdf = SimpleUploadedFile("scope.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    answers = [
        client.patch(f"{base}/audits/{closed.pk}/", {"title": "x"}, format="json"),
        client.post(f"{base}/audits/{closed.pk}/start/"),
        client.post(f"{base}/audits/{closed.pk}/report/"),
        client.post(f"{base}/audits/{closed.pk}/close/"),
        client.patch(f"{base}/audit-items/{item.pk}/", {"result": "major_nc"}, format="json"),
        client.patch(f"{base}/audits/{closed.pk}/checklist/{item.pk}/", {"notes": "x"}, format="json"),
        client.post(f"{base}/audit-items/{item.pk}/evidence/", {"file": pdf}, format="multipart"),
        client.post(f"{base}/findings/", {"checklist_item": item.pk, "description": "x"}, format="json"),
    ]
    for response in answers:
        assert response.status_code == 400, (response.request["PATH_INFO"], response.content)
        assert "This audit is closed" in str(response.json())
    # A delete goes through core.deletion: 409, naming the frozen audit.
    refused = client.delete(f"{base}/audits/{closed.pk}/")
    assert refused.status_code == 409, refused.content
    assert refused.json()["blocking"][0]["reason"].startswith("is frozen")
