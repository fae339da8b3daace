"""Alice administers Acme, Bob reads it, Charlie (Globex) must see nothing of it:
on every SoA endpoint, another organization's SoA is 404."""

import pytest

from soa.models import SoAEntry, SoAVersion
from soa.services import soa_entry_update, soa_version_approve

from .conftest import decide_all, entry

ACME = "/api/v1/organizations/acme"
GLOBEX = "/api/v1/organizations/globex"


@pytest.fixture
def acme_version(acme, alice):
    decide_all(acme, alice)
    return soa_version_approve(organization=acme, actor=alice, change_summary="Acme first")


def _endpoints(row_id):
    return [
        ("get", "/soa/", None),
        ("get", f"/soa/{row_id}/", None),
        ("patch", f"/soa/{row_id}/", {"status": "planned"}),
        ("get", f"/soa/{row_id}/history/", None),
        ("post", "/soa/bulk-update/", {"rows": [{"id": row_id, "status": "planned"}]}),
        ("post", f"/soa/{row_id}/apply-to-mapped/", {"dry_run": True}),
        ("get", "/soa/problems/", None),
        ("get", "/soa-versions/", None),
        ("post", "/soa-versions/", {"change_summary": "Charlie's"}),
        ("get", "/soa-versions/1/", None),
        ("get", "/soa-versions/1/diff/?against=1", None),
        ("get", "/gap-analysis/", None),
    ]


def test_charlie_gets_404_on_every_endpoint_of_acmes_soa(api_as, acme, alice, charlie, acme_version):
    api = api_as(charlie)
    row = entry(acme, "5.1")
    for method, path, body in _endpoints(row.pk):
        response = getattr(api, method)(ACME + path, body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Acme" not in response.content.decode()
    assert SoAEntry.objects.get(pk=row.pk).status == "not_started"
    assert SoAVersion.objects.filter(organization=acme).count() == 1


def test_acmes_row_ids_are_not_found_through_globex(api_as, acme, globex, charlie):
    api = api_as(charlie)
    row = entry(acme, "5.1")
    assert api.get(f"{GLOBEX}/soa/{row.pk}/").status_code == 404
    assert api.patch(f"{GLOBEX}/soa/{row.pk}/", {"status": "planned"}).status_code == 404
    assert api.post(f"{GLOBEX}/soa/{row.pk}/apply-to-mapped/", {}).status_code == 404
    bulk = api.post(f"{GLOBEX}/soa/bulk-update/", {"rows": [{"id": row.pk, "status": "planned"}]})
    assert bulk.status_code == 400 and str(row.pk) in bulk.json()["errors"]
    assert SoAEntry.objects.get(pk=row.pk).status == "not_started"


def test_charlie_sees_only_globex_in_lists(api_as, acme, alice, charlie, acme_version):
    api = api_as(charlie)
    rows = api.get(f"{GLOBEX}/soa/", {"page_size": 500}).json()["results"]
    assert len(rows) == 131
    assert not {r["id"] for r in rows} & set(
        SoAEntry.objects.filter(organization=acme).values_list("pk", flat=True)
    )
    assert api.get(f"{GLOBEX}/soa-versions/").json()["count"] == 0
    assert api.get(f"{GLOBEX}/soa-versions/1/").status_code == 404


def test_anonymous_callers_are_refused(api_client, acme):
    assert api_client.get(f"{ACME}/soa/").status_code == 401
    assert api_client.get(f"{ACME}/gap-analysis/").status_code == 401


def test_bob_the_viewer_reads_everything_and_changes_nothing(api_as, acme, bob, acme_version):
    api = api_as(bob)
    row = entry(acme, "5.1")
    for method, path, body in _endpoints(row.pk):
        response = getattr(api, method)(ACME + path, body)
        expected = 200 if method == "get" else 403
        assert response.status_code == expected, (method, path, response.status_code)
    assert SoAEntry.objects.get(pk=row.pk).status == "not_started"


def test_a_contributor_changes_only_the_rows_they_own(api_as, acme, alice, carol):
    api = api_as(carol)
    mine, theirs = entry(acme, "8.1"), entry(acme, "8.2")
    soa_entry_update(entry=mine, actor=alice, values={"owner": carol})
    assert api.patch(f"{ACME}/soa/{mine.pk}/", {"status": "planned"}).status_code == 200
    assert api.patch(f"{ACME}/soa/{theirs.pk}/", {"status": "planned"}).status_code == 403
    assert api.patch(f"{ACME}/soa/{mine.pk}/", {"owner": "alice"}).status_code == 400
    bulk = api.post(
        f"{ACME}/soa/bulk-update/",
        {"rows": [{"id": mine.pk, "status": "partial"}, {"id": theirs.pk, "status": "partial"}]},
    )
    assert bulk.status_code == 400 and set(bulk.json()["errors"]) == {str(theirs.pk)}
    assert SoAEntry.objects.get(pk=mine.pk).status == "planned"
    assert api.post(f"{ACME}/soa/{mine.pk}/apply-to-mapped/", {}).status_code == 403
    decide_all(acme, alice)
    assert api.post(f"{ACME}/soa-versions/", {"change_summary": "Mine"}).status_code == 403


def test_an_officer_edits_any_row_and_approves(api_as, acme, alice, olivia):
    api = api_as(olivia)
    assert api.patch(f"{ACME}/soa/{entry(acme, '8.2').pk}/", {"status": "planned"}).status_code == 200
    decide_all(acme, alice)
    assert api.post(f"{ACME}/soa-versions/", {"change_summary": "Officer's"}).status_code == 201


def test_an_auditor_reads_versions_but_cannot_approve(api_as, acme, alice, make_member, acme_version):
    api = api_as(make_member(acme, "auditor", "audrey"))
    assert api.get(f"{ACME}/soa-versions/1/").status_code == 200
    assert api.post(f"{ACME}/soa-versions/", {"change_summary": "Auditor's"}).status_code == 403
