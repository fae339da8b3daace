"""Requesting the SoA PDFs through the API and the page: 202 with the document job, polled
until done, downloaded; roles (EXPORT: auditors and contributors may, viewers may not)
and isolation (Charlie of Globex gets 404 on Acme's versions, documents and files)."""

import hashlib

import pytest

from core.roles import Role
from documents.models import DocumentStatus, GeneratedDocument
from documents.tasks import document_build
from soa.services import soa_version_approve

from .conftest import decide_all

ACME = "/api/v1/organizations/acme"
GLOBEX = "/api/v1/organizations/globex"
JOB_FIELDS = {"id", "status", "progress", "url", "download_url", "size", "sha256", "error"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def version(acme, alice):
    decide_all(acme, alice)
    return soa_version_approve(organization=acme, actor=alice, change_summary="Acme first")


def test_an_approved_versions_pdf_is_requested_polled_and_downloaded(
    api_as, acme, alice, version, django_capture_on_commit_callbacks
):
    api = api_as(alice)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = api.post(f"{ACME}/soa-versions/1/pdf/")
    assert response.status_code == 202, response.content
    assert len(enqueued) == 1  # queued on commit; the web process renders nothing
    job = response.json()
    assert set(job) >= JOB_FIELDS
    assert job["status"] == "queued" and job["progress"] == 0 and job["download_url"] is None
    assert job["kind"] == "soa_version_pdf" and job["parameters"] == {"version": 1}
    assert response["Location"] == job["url"]
    assert api.get(job["url"]).json()["status"] == "queued"

    assert document_build(job["id"]) == "done"
    done = api.get(job["url"]).json()
    assert done["status"] == "done" and done["progress"] == 100 and done["error"] is None
    download = api.get(done["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == done["sha256"] and len(content) == done["size"]


def test_the_draft_pdf_is_requested_on_the_live_table(api_as, acme, alice):
    response = api_as(alice).post(f"{ACME}/soa/pdf/")
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "soa_draft_pdf" and response.json()["parameters"] == {}


def test_an_unknown_version_is_404(api_as, acme, alice, version):
    assert api_as(alice).post(f"{ACME}/soa-versions/2/pdf/").status_code == 404
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.COMPLIANCE_OFFICER, True),
        (Role.AUDITOR, True),
        (Role.CONTRIBUTOR, True),
        (Role.VIEWER, False),
    ],
)
def test_who_may_export_the_pdfs(api_as, make_member, acme, version, role, allowed):
    api = api_as(make_member(acme, role, f"user-{role}"))
    expected = 202 if allowed else 403
    assert api.post(f"{ACME}/soa-versions/1/pdf/").status_code == expected
    assert api.post(f"{ACME}/soa/pdf/").status_code == expected
    assert GeneratedDocument.objects.count() == (2 if allowed else 0)


def test_bob_the_viewer_may_neither_request_nor_read_a_pdf(api_as, acme, alice, bob, version):
    document_id = api_as(alice).post(f"{ACME}/soa-versions/1/pdf/").json()["id"]
    document_build(document_id)
    api = api_as(bob)
    assert api.post(f"{ACME}/soa-versions/1/pdf/").status_code == 403
    assert api.get(f"{ACME}/documents/{document_id}/").status_code == 403
    assert api.get(f"{ACME}/documents/{document_id}/download/").status_code == 403
    assert api.get(f"{ACME}/documents/").json()["count"] == 0


def test_charlie_gets_404_on_acmes_pdf_endpoints_documents_and_files(
    api_as, acme, globex, alice, charlie, version
):
    document_id = api_as(alice).post(f"{ACME}/soa-versions/1/pdf/").json()["id"]
    document_build(document_id)
    api = api_as(charlie)
    for path in ("/soa-versions/1/pdf/", "/soa/pdf/"):
        response = api.post(ACME + path)
        assert response.status_code == 404 and "Acme" not in response.content.decode()
    assert api.get(f"{ACME}/documents/{document_id}/").status_code == 404
    assert api.get(f"{ACME}/documents/{document_id}/download/").status_code == 404
    # Through his own organization: Acme's version number and Acme's document id are unknown there.
    assert api.post(f"{GLOBEX}/soa-versions/1/pdf/").status_code == 404
    assert api.get(f"{GLOBEX}/documents/{document_id}/").status_code == 404
    assert api.get(f"{GLOBEX}/documents/{document_id}/download/").status_code == 404
    assert GeneratedDocument.objects.filter(organization=globex).count() == 0


def test_the_pdf_endpoints_are_documented_with_every_answer(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    version_pdf = schema["paths"]["/api/v1/organizations/{organization_slug}/soa-versions/{number}/pdf/"][
        "post"
    ]
    draft_pdf = schema["paths"]["/api/v1/organizations/{organization_slug}/soa/pdf/"]["post"]
    for operation in (version_pdf, draft_pdf):
        assert {"202", "401", "403", "404"} <= set(operation["responses"])
        assert "GeneratedDocument" in str(operation["responses"]["202"])


# --- The page entry point (soa/views_documents.py) -----------------------------------------------


def test_build_the_pdf_from_the_page_answers_the_partial_to_htmx(client, acme, alice, version):
    client.force_login(alice)
    response = client.post("/o/acme/soa/versions/1/pdf/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    document = GeneratedDocument.objects.get(kind="soa_version_pdf")
    assert 'data-testid="soa-version-pdf"' in html and 'data-status="queued"' in html
    assert f"/o/acme/documents/{document.pk}/status/" in html and 'hx-trigger="every 2s"' in html
    # The status block it polls turns into a download link once the worker is done.
    document_build(document.pk)
    status = client.get(f"/o/acme/documents/{document.pk}/status/").content.decode()
    assert 'data-status="done"' in status and f"/o/acme/documents/{document.pk}/download/" in status
    assert 'hx-trigger="every 2s"' not in status
    assert client.get(f"/o/acme/documents/{document.pk}/download/").status_code == 200


def test_build_the_pdf_without_htmx_goes_to_the_documents_page(client, acme, alice, version):
    client.force_login(alice)
    response = client.post("/o/acme/soa/versions/1/pdf/")
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/documents/?highlight={document.pk}"
    draft = client.post("/o/acme/soa/pdf/")
    assert draft.status_code == 302
    assert GeneratedDocument.objects.filter(kind="soa_draft_pdf").count() == 1
    assert GeneratedDocument.objects.get(kind="soa_draft_pdf").status == DocumentStatus.QUEUED
    htmx = client.post("/o/acme/soa/pdf/", HTTP_HX_REQUEST="true")
    latest = GeneratedDocument.objects.filter(kind="soa_draft_pdf").latest("pk")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == f"/o/acme/documents/?highlight={latest.pk}"


def test_the_page_refuses_viewers_and_other_organizations(client, acme, alice, bob, charlie, version):
    client.force_login(bob)
    assert client.post("/o/acme/soa/versions/1/pdf/").status_code == 403
    assert client.post("/o/acme/soa/pdf/").status_code == 403
    client.force_login(charlie)
    assert client.post("/o/acme/soa/versions/1/pdf/").status_code == 404
    assert client.post("/o/acme/soa/pdf/").status_code == 404
    assert client.post("/o/globex/soa/versions/1/pdf/").status_code == 404
    client.force_login(alice)
    assert client.post("/o/acme/soa/versions/9/pdf/").status_code == 404
    assert not GeneratedDocument.objects.exists()
