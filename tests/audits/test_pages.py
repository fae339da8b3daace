"""The audit programme's pages, per role: officers and administrators plan and
run audits, assigned auditors record results (and only on their audits), viewers
read only, another organization's records are 404 and appear nowhere."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import services
from audits.models import Audit, AuditStatus, ChecklistItem, CorrectiveAction, Finding, ManagementReview

from .conftest import ISO27001, ISO42001, approve_soa, plan, record_all

TODAY = datetime.date.today()


@pytest.fixture
def followed(acme, alice, audrey, carol, audit):
    """The combined audit, with a major nonconformity raised and an action on it, and a review."""
    item = audit.items.order_by("position").first()
    services.checklist_item_record(
        item=item, actor=audrey, values={"result": "major_nc", "notes": "No risk criteria."}
    )
    finding = services.finding_create(item=item, actor=audrey, description="Risk criteria are missing.")
    action = services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "No owner", "action": "Write them", "owner": carol, "due_date": TODAY},
    )
    review = services.management_review_create(
        organization=acme, actor=alice, values={"date": TODAY, "attendees": ["Alice Archer"]}
    )
    return {"audit": audit, "item": item, "finding": finding, "action": action, "review": review}


def _pages(followed) -> list[str]:
    audit, item, finding = followed["audit"], followed["item"], followed["finding"]
    action, review = followed["action"], followed["review"]
    base = "/o/acme/audits"
    return [
        f"{base}/",
        f"{base}/?status=in_progress&scope=combined&type=internal",
        f"{base}/export/?format=csv",
        f"{base}/{audit.pk}/",
        f"{base}/{audit.pk}/history/",
        f"{base}/{audit.pk}/checklist/",
        f"{base}/{audit.pk}/checklist/?recorded=false",
        f"{base}/{audit.pk}/checklist/?result=major_nc",
        f"{base}/{audit.pk}/checklist/{item.pk}/",
        f"{base}/findings/",
        f"{base}/findings/?severity=major_nc",
        f"{base}/findings/export/?format=xlsx",
        f"{base}/findings/{finding.pk}/",
        f"{base}/findings/{finding.pk}/history/",
        f"{base}/corrective-actions/",
        f"{base}/corrective-actions/?overdue=true",
        f"{base}/corrective-actions/export/?format=csv",
        f"{base}/corrective-actions/{action.pk}/",
        f"{base}/corrective-actions/{action.pk}/history/",
        f"{base}/management-reviews/",
        f"{base}/management-reviews/{review.pk}/",
        f"{base}/management-reviews/{review.pk}/history/",
    ]


def test_every_page_answers_members_and_404s_strangers(client, followed, bob, charlie):
    for user, expected in ((bob, 200), (charlie, 404)):
        client.force_login(user)
        for url in _pages(followed):
            response = client.get(url)
            # Exports need the EXPORT capability, which viewers lack.
            wanted = 403 if expected == 200 and "/export/" in url else expected
            assert response.status_code == wanted, (user.username, url, response.status_code)


def test_the_detail_page_shows_scope_team_version_and_progress(client, followed, alice):
    client.force_login(alice)
    audit = followed["audit"]
    page = client.get(f"/o/acme/audits/{audit.pk}/").content.decode()
    assert "Combined" in page and "Audrey Adams" in page
    assert f"Version {audit.soa_version.number}" in page
    assert 'progress-figure">1</span>' in page  # one item recorded so far
    assert 'data-testid="progress-major_nc"' in page
    # The close blockers the service gives are shown before anyone tries.
    assert "checklist items have no result" in page


def test_a_refused_close_shows_each_blocker(client, followed, alice):
    client.force_login(alice)
    audit = followed["audit"]
    response = client.post(f"/o/acme/audits/{audit.pk}/close/")
    assert response.status_code == 400
    page = response.content.decode()
    for blocker in services.audit_close_blockers(audit):
        assert blocker in page
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.IN_PROGRESS


def test_an_officer_plans_edits_starts_and_deletes_an_audit(client, acme, alice, audrey, version):
    client.force_login(alice)
    response = client.post(
        "/o/acme/audits/new/",
        {
            "title": "Stage 1 readiness",
            "type": "internal",
            "frameworks": [ISO27001, ISO42001],
            "planned_start": TODAY.isoformat(),
            "planned_end": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "lead_auditor": alice.pk,
            "team": [audrey.pk],
            "soa_version": version.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    audit = Audit.objects.get(title="Stage 1 readiness")
    assert audit.frameworks == [ISO27001, ISO42001]
    assert audit.items.count() == 43 + 129  # the clauses, and the controls of the version chosen
    response = client.post(
        f"/o/acme/audits/{audit.pk}/edit/",
        {
            "title": "Stage 1 readiness review",
            "type": "certification_stage1",
            "frameworks": [ISO27001],
            "planned_start": TODAY.isoformat(),
            "planned_end": TODAY.isoformat(),
            "lead_auditor": alice.pk,
            "team": [],
        },
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert (audit.title, audit.frameworks, audit.items.count()) == (
        "Stage 1 readiness review",
        [ISO27001],
        41 + 92,
    )
    assert not audit.team_members.exists()
    assert client.post(f"/o/acme/audits/{audit.pk}/start/").status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS and audit.soa_version == version
    # The delete page says what goes with it, then deletes through core.deletion.
    page = client.get(f"/o/acme/audits/{audit.pk}/delete/").content.decode()
    assert "loses its checklist" in page
    assert client.post(f"/o/acme/audits/{audit.pk}/delete/").status_code == 302
    assert not Audit.objects.filter(pk=audit.pk).exists()
    assert not ChecklistItem.objects.filter(audit_id=audit.pk).exists()


def test_a_finding_with_actions_refuses_the_audit_delete(client, followed, alice):
    client.force_login(alice)
    audit = followed["audit"]
    page = client.get(f"/o/acme/audits/{audit.pk}/delete/").content.decode()
    assert 'data-testid="deletion-refused"' in page and followed["finding"].reference in page
    assert client.post(f"/o/acme/audits/{audit.pk}/delete/").status_code == 409
    assert Audit.objects.filter(pk=audit.pk).exists()


def test_the_assigned_auditor_records_inline_and_without_javascript(client, followed, audrey):
    client.force_login(audrey)
    audit = followed["audit"]
    item = audit.items.order_by("position")[1]
    url = f"/o/acme/audits/{audit.pk}/checklist/{item.pk}/record/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    form = client.get(url, **htmx)
    assert form.status_code == 200 and 'data-testid="checklist-item-form"' in form.content.decode()
    swapped = client.post(url, {"result": "minor_nc", "notes": "Partly.", "evidence": "Policy v2"}, **htmx)
    assert swapped.status_code == 200
    assert 'data-testid="checklist-item"' in swapped.content.decode()
    assert "Raise finding" in swapped.content.decode()
    item.refresh_from_db()
    assert (item.result, item.notes, item.recorded_by) == ("minor_nc", "Partly.", audrey)
    # Without htmx: a plain post, back to the item on the checklist.
    plain = client.post(url, {"result": "conforming", "notes": ""})
    assert plain.status_code == 302 and plain.url.endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert item.result == "conforming"
    # A refused value comes back on the form, nothing saved.
    refused = client.post(url, {"result": "nonsense"}, **htmx)
    assert "checklist-item-form" in refused.content.decode()
    item.refresh_from_db()
    assert item.result == "conforming"


def test_evidence_upload_and_download_stay_in_the_organization(client, followed, audrey, charlie):
    client.force_login(audrey)
    audit, item = followed["audit"], followed["item"]
    upload = SimpleUploadedFile("minutes.txt", b"Risk criteria meeting notes", content_type="text/plain")
    response = client.post(f"/o/acme/audits/{audit.pk}/checklist/{item.pk}/evidence/", {"file": upload})
    assert response.status_code == 302
    evidence = item.evidence_files.get()
    download = client.get(f"/o/acme/audits/evidence/{evidence.pk}/")
    assert (
        download.status_code == 200 and b"".join(download.streaming_content) == b"Risk criteria meeting notes"
    )
    bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    refused = client.post(f"/o/acme/audits/{audit.pk}/checklist/{item.pk}/evidence/", {"file": bad})
    assert refused.status_code == 400 and "as its name and type say" in refused.content.decode()
    client.force_login(charlie)
    assert client.get(f"/o/acme/audits/evidence/{evidence.pk}/").status_code == 404


def test_an_auditor_records_only_on_the_audits_assigned_to_them(client, followed, axel):
    client.force_login(axel)
    audit, item = followed["audit"], followed["item"]
    page = client.get(f"/o/acme/audits/{audit.pk}/checklist/").content.decode()
    assert 'data-testid="record-item"' not in page and "You read this checklist" in page
    url = f"/o/acme/audits/{audit.pk}/checklist/{item.pk}/"
    assert client.post(f"{url}record/", {"result": "conforming"}).status_code == 403
    assert client.get(f"{url}finding/").status_code == 403
    upload = SimpleUploadedFile("a.txt", b"x", content_type="text/plain")
    assert client.post(f"{url}evidence/", {"file": upload}).status_code == 403
    item.refresh_from_db()
    assert item.result == "major_nc"


def test_a_viewer_reads_only(client, followed, bob):
    client.force_login(bob)
    audit, item, finding = followed["audit"], followed["item"], followed["finding"]
    action, review = followed["action"], followed["review"]
    page = client.get(f"/o/acme/audits/{audit.pk}/").content.decode()
    assert "start-audit" not in page and "close-audit" not in page and "edit-audit" not in page
    assert (
        'data-testid="record-item"'
        not in client.get(f"/o/acme/audits/{audit.pk}/checklist/").content.decode()
    )
    attempts = [
        ("/o/acme/audits/new/", {}),
        (f"/o/acme/audits/{audit.pk}/edit/", {}),
        (f"/o/acme/audits/{audit.pk}/close/", {}),
        (f"/o/acme/audits/{audit.pk}/report/", {}),
        (f"/o/acme/audits/{audit.pk}/delete/", {}),
        (f"/o/acme/audits/{audit.pk}/checklist/{item.pk}/record/", {"result": "conforming"}),
        (f"/o/acme/audits/findings/{finding.pk}/close/", {}),
        (f"/o/acme/audits/findings/{finding.pk}/actions/new/", {"action": "x"}),
        (f"/o/acme/audits/corrective-actions/{action.pk}/verify/", {"result": "effective"}),
        (f"/o/acme/audits/corrective-actions/{action.pk}/edit/", {"action": "x"}),
        ("/o/acme/audits/management-reviews/new/", {"date": TODAY.isoformat()}),
        (f"/o/acme/audits/management-reviews/{review.pk}/delete/", {}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert Finding.objects.get(pk=finding.pk).status == "open"
    assert ManagementReview.objects.count() == 1


def test_raise_act_verify_and_close_a_finding(client, acme, alice, audrey, carol, audit):
    client.force_login(audrey)
    item = audit.items.order_by("position")[2]
    services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc", "notes": "Gaps."})
    base = f"/o/acme/audits/{audit.pk}/checklist/{item.pk}"
    form = client.get(f"{base}/finding/").content.decode()
    assert "Gaps." in form  # the notes prefill the description
    response = client.post(f"{base}/finding/", {"severity": "minor_nc", "description": "Gaps in 4.3."})
    finding = Finding.objects.get(checklist_item=item)
    assert response.status_code == 302 and response.url.endswith(f"/findings/{finding.pk}/")
    # Close refused with the service's reason: no action yet.
    refused = client.post(f"/o/acme/audits/findings/{finding.pk}/close/")
    assert refused.status_code == 400
    assert "needs at least one corrective action" in refused.content.decode()
    response = client.post(
        f"/o/acme/audits/findings/{finding.pk}/actions/new/",
        {"root_cause": "No review", "action": "Review the scope", "owner": carol.pk, "due_date": TODAY},
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(finding=finding)
    refused = client.post(f"/o/acme/audits/findings/{finding.pk}/close/")
    assert f"Corrective action {action.reference} is not verified effective." in refused.content.decode()
    # Its owner marks it done, the auditor verifies it, the finding closes.
    client.force_login(carol)
    response = client.post(
        f"/o/acme/audits/corrective-actions/{action.pk}/edit/",
        {
            "root_cause": "No review",
            "action": "Review the scope",
            "owner": carol.pk,
            "due_date": TODAY,
            "status": "done",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(audrey)
    refused = client.post(
        f"/o/acme/audits/corrective-actions/{action.pk}/verify/", {"result": "not_effective"}
    )
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    response = client.post(
        f"/o/acme/audits/corrective-actions/{action.pk}/verify/", {"result": "effective", "notes": "Seen."}
    )
    assert response.status_code == 302
    page = client.get(f"/o/acme/audits/corrective-actions/{action.pk}/").content.decode()
    assert "Audrey Adams" in page and "Effective" in page
    assert client.post(f"/o/acme/audits/findings/{finding.pk}/close/").status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == "closed"


def test_overdue_actions_are_flagged_and_filtered(client, followed, alice, carol):
    overdue = services.corrective_action_create(
        actor=alice,
        finding=followed["finding"],
        values={
            "root_cause": "r",
            "action": "Late one",
            "owner": carol,
            "due_date": TODAY - datetime.timedelta(days=3),
        },
    )
    client.force_login(alice)
    page = client.get("/o/acme/audits/corrective-actions/").content.decode()
    assert 'data-testid="overdue-banner"' in page and page.count('data-testid="overdue-flag"') == 1
    only = client.get("/o/acme/audits/corrective-actions/?overdue=true").content.decode()
    assert overdue.reference in only and followed["action"].reference not in only


def test_a_management_review_shows_its_inputs_and_tracks_its_actions(client, acme, alice, carol, version):
    client.force_login(alice)
    preview = client.get(f"/o/acme/audits/management-reviews/new/?date={TODAY.isoformat()}").content.decode()
    assert "Inputs as of" in preview and "Statement of Applicability" in preview
    assert "Risk assessment and treatment" in preview and "AI system impact assessments" in preview
    response = client.post(
        "/o/acme/audits/management-reviews/new/",
        {"date": TODAY.isoformat(), "attendees": "Alice Archer\nOlivia Ortiz", "decisions": "Fund the SOC."},
    )
    assert response.status_code == 302
    review = ManagementReview.objects.get()
    assert review.attendees == ["Alice Archer", "Olivia Ortiz"] and review.inputs["soa"]["version"] == 1
    response = client.post(
        f"/o/acme/audits/management-reviews/{review.pk}/actions/new/",
        {"action": "Hire a SOC analyst", "owner": carol.pk, "due_date": TODAY.isoformat()},
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(review=review)
    page = client.get(f"/o/acme/audits/management-reviews/{review.pk}/").content.decode()
    assert action.reference in page and "Fund the SOC." in page and "Approved version" in page
    # Deleted with its actions (none verified).
    assert client.post(f"/o/acme/audits/management-reviews/{review.pk}/delete/").status_code == 302
    assert not CorrectiveAction.objects.filter(pk=action.pk).exists()


def test_another_organizations_records_appear_nowhere(client, followed, globex, charlie):
    approve_soa(globex, charlie)
    theirs = services.audit_start(audit=plan(globex, charlie, title="Globex secret audit"), actor=charlie)
    record_all(theirs, charlie, result="observation")
    item = theirs.items.order_by("position").first()
    services.finding_create(item=item, actor=charlie, description="Globex finding text")
    client.force_login(followed["action"].owner)
    for url in ("/o/acme/audits/", "/o/acme/audits/findings/", "/o/acme/audits/corrective-actions/"):
        assert "Globex" not in client.get(url).content.decode(), url
    assert client.get(f"/o/acme/audits/{theirs.pk}/").status_code == 404
    assert client.get(f"/o/acme/audits/{theirs.pk}/checklist/").status_code == 404
    assert client.get(f"/o/acme/audits/{followed['audit'].pk}/checklist/{item.pk}/").status_code == 404
