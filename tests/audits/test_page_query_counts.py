"""The audit programme's pages take the same number of queries however many rows
they show (audits and their teams, findings and their actions, checklist items
with results, findings and evidence files, reviews and their actions)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import services

from .conftest import ISO27001, plan
from .test_query_counts import TODAY, _grow


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


LIST_PAGES = [
    "",
    "findings/",
    "corrective-actions/",
    "corrective-actions/?overdue=false",
    "management-reviews/",
]


def test_list_pages_are_flat_in_their_rows(client, acme, alice, audrey, carol, olivia, version):
    client.force_login(alice)
    _grow(acme, alice, audrey, carol, olivia, 1)
    few = [_count(client, f"/o/acme/audits/{page}") for page in LIST_PAGES]
    _grow(acme, alice, audrey, carol, olivia, 3)
    assert [_count(client, f"/o/acme/audits/{page}") for page in LIST_PAGES] == few
    assert max(few) <= 20, few


def _evidence(item, actor, n: int):
    for i in range(n):
        upload = SimpleUploadedFile(f"note-{i}.txt", b"seen", content_type="text/plain")
        services.evidence_file_add(item=item, actor=actor, upload=upload)


def test_an_audit_its_checklist_and_a_finding_are_flat(client, acme, alice, audrey, carol, version):
    client.force_login(alice)
    audit = services.audit_start(audit=plan(acme, alice, frameworks=[ISO27001], team=[audrey]), actor=alice)
    items = list(audit.items.order_by("position"))
    services.checklist_item_record(item=items[0], actor=audrey, values={"result": "major_nc"})
    finding = services.finding_create(item=items[0], actor=audrey, description="x")
    _evidence(items[0], audrey, 1)
    services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "r", "action": "a", "owner": carol, "due_date": TODAY},
    )
    urls = [
        f"/o/acme/audits/{audit.pk}/",
        f"/o/acme/audits/{audit.pk}/checklist/",
        f"/o/acme/audits/findings/{finding.pk}/",
    ]
    few = [_count(client, url) for url in urls]
    # More team, results, findings, evidence and actions.
    services.audit_update(audit=audit, actor=alice, values={}, team=[audrey, carol])
    for item in items[1:8]:
        services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc", "notes": "n"})
        services.finding_create(item=item, actor=audrey, description="y")
        _evidence(item, audrey, 2)
    for _ in range(3):
        services.corrective_action_create(
            actor=alice,
            finding=finding,
            values={"root_cause": "r", "action": "b", "owner": alice, "due_date": TODAY},
        )
    assert [_count(client, url) for url in urls] == few
    assert max(few) <= 25, few


def test_a_management_review_page_is_flat_in_its_actions(client, acme, alice, carol, version):
    client.force_login(alice)
    review = services.management_review_create(organization=acme, actor=alice, values={"date": TODAY})
    services.corrective_action_create(
        actor=alice, review=review, values={"action": "a", "owner": carol, "due_date": TODAY}
    )
    url = f"/o/acme/audits/management-reviews/{review.pk}/"
    few = _count(client, url)
    for _ in range(4):
        services.corrective_action_create(
            actor=alice, review=review, values={"action": "b", "owner": alice, "due_date": TODAY}
        )
    assert _count(client, url) == few
