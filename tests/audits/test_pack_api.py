"""``/api/v1/organizations/{slug}/audit-packs/``: 202 with the generated-documents job, polled
until done, downloaded with its SHA-256; the list filtered by audit; 400s naming the field;
viewers 403; another organization's audit, pack and file 404; the schema says so."""

import hashlib

import pytest

from documents.models import GeneratedDocument
from documents.tasks import document_build

from .conftest import plan

ACME = "/api/v1/organizations/acme"
GLOBEX = "/api/v1/organizations/globex"
JOB_FIELDS = {"id", "status", "progress", "url", "download_url", "size", "sha256", "error"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_PARALLEL_PARTS = False


def test_a_pack_is_requested_polled_and_downloaded(api_as, audit, alice, django_capture_on_commit_callbacks):
    api = api_as(alice)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = api.post(
            f"{ACME}/audit-packs/", {"audit": audit.pk, "sections": ["findings", "scope"]}, format="json"
        )
    assert response.status_code == 202, response.content
    assert len(enqueued) == 1  # queued on commit: the web process renders nothing
    job = response.json()
    assert set(job) >= JOB_FIELDS
    assert job["status"] == "queued" and job["download_url"] is None and job["sha256"] is None
    assert job["audit"] == audit.pk and job["sections"] == ["findings", "scope"]
    assert job["url"].endswith(f"/api/v1/organizations/acme/audit-packs/{job['id']}/")
    assert response["Location"] == job["url"]

    assert document_build(job["id"]) == "done"
    done = api.get(job["url"]).json()
    assert done["status"] == "done" and done["progress"] == 100 and done["error"] is None
    assert done["download_url"].endswith(f"/audit-packs/{job['id']}/download/")
    download = api.get(done["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == done["sha256"] == download["X-Content-SHA256"]
    assert len(content) == done["size"]


def test_the_list_is_the_organizations_packs_filtered_by_audit(api_as, acme, alice, audit):
    other = plan(acme, alice, title="Second audit")
    api = api_as(alice)
    first = api.post(f"{ACME}/audit-packs/", {"audit": audit.pk}, format="json").json()
    second = api.post(f"{ACME}/audit-packs/", {"audit": other.pk}, format="json").json()
    api.post(f"{ACME}/documents/", {"kind": "soa_draft_pdf"}, format="json")  # not a pack
    listed = api.get(f"{ACME}/audit-packs/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [second["id"], first["id"]]
    filtered = api.get(f"{ACME}/audit-packs/", {"audit": audit.pk}).json()
    rows = filtered["results"] if isinstance(filtered, dict) else filtered
    assert [row["id"] for row in rows] == [first["id"]]
    assert rows[0]["sections"] == [
        "scope",
        "checklist",
        "soa",
        "risks",
        "assets",
        "impact",
        "gap",
        "findings",
    ]
    assert api.get(f"{ACME}/audit-packs/", {"audit": "AUD-1"}).status_code == 400


def test_bad_requests_are_400s_naming_the_field_and_no_such_audit_404(api_as, alice, audit):
    api = api_as(alice)
    response = api.post(f"{ACME}/audit-packs/", {}, format="json")
    assert response.status_code == 400 and "audit" in response.json()
    # No such audit is a 404, as another organization's is (the two cannot be told apart).
    response = api.post(f"{ACME}/audit-packs/", {"audit": audit.pk + 999}, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "No such audit"}
    response = api.post(
        f"{ACME}/audit-packs/", {"audit": audit.pk, "sections": ["scope", "annex"]}, format="json"
    )
    assert response.status_code == 400
    message = " ".join(response.json()["sections"])
    assert "annex" in message and "scope, checklist, soa, risks, assets, impact, gap, findings" in message


def test_viewers_may_not_export_packs(api_as, bob, audit):
    api = api_as(bob)
    assert api.post(f"{ACME}/audit-packs/", {"audit": audit.pk}, format="json").status_code == 403
    assert api.get(f"{ACME}/audit-packs/").status_code == 403


def test_auditors_on_the_audit_request_packs(api_as, audrey, audit):
    assert api_as(audrey).post(f"{ACME}/audit-packs/", {"audit": audit.pk}, format="json").status_code == 202


def test_another_organizations_audit_pack_and_file_are_404(api_as, alice, charlie, audit):
    pack = (
        api_as(alice)
        .post(f"{ACME}/audit-packs/", {"audit": audit.pk, "sections": ["scope"]}, format="json")
        .json()
    )
    assert document_build(pack["id"]) == "done"
    globex = api_as(charlie)
    for url in (
        f"{ACME}/audit-packs/",
        f"{ACME}/audit-packs/{pack['id']}/",
        f"{ACME}/audit-packs/{pack['id']}/download/",
    ):
        assert globex.get(url).status_code == 404, url
    assert globex.get(f"{GLOBEX}/audit-packs/{pack['id']}/").status_code == 404
    assert globex.get(f"{GLOBEX}/audit-packs/{pack['id']}/download/").status_code == 404
    assert globex.get(f"{GLOBEX}/audit-packs/").json() in (
        [],
        {"count": 0, "next": None, "previous": None, "results": []},
    )
    # Acme's audit from Globex: no such audit there, 404 in the schema's error shape, nothing queued.
    before = GeneratedDocument.objects.count()
    response = globex.post(f"{GLOBEX}/audit-packs/", {"audit": audit.pk}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such audit"}
    through_documents = globex.post(
        f"{GLOBEX}/documents/", {"kind": "audit_pack", "parameters": {"audit": audit.pk}}, format="json"
    )
    assert through_documents.status_code == 404
    assert through_documents.json() == {"detail": "No such audit"}
    assert GeneratedDocument.objects.count() == before


def test_the_post_404_is_the_declared_error_shape():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"]["/api/v1/organizations/{organization_slug}/audit-packs/"]["post"]
    declared = post["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][declared]["properties"]) == {"detail"}


def test_the_schema_declares_the_answers(api_client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    collection = schema["paths"]["/api/v1/organizations/{organization_slug}/audit-packs/"]
    assert set(collection["post"]["responses"]) == {"202", "400", "401", "403", "404"}
    assert set(collection["get"]["responses"]) >= {"200", "400", "401", "403", "404"}
    one = schema["paths"]["/api/v1/organizations/{organization_slug}/audit-packs/{id}/"]
    assert set(one["get"]["responses"]) == {"200", "401", "403", "404"}
    download = schema["paths"]["/api/v1/organizations/{organization_slug}/audit-packs/{id}/download/"]
    assert "application/pdf" in download["get"]["responses"]["200"]["content"]


def test_an_admin_deletes_an_old_pack_and_its_file(
    api_as, acme, alice, make_member, audit, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.conf import settings

    from core.roles import Role
    from documents.models import GeneratedDocument

    api = api_as(alice)
    job = api.post(f"{ACME}/audit-packs/", {"audit": audit.pk, "sections": ["scope"]}, format="json").json()
    assert document_build(job["id"]) == "done"
    path = Path(settings.MEDIA_ROOT) / GeneratedDocument.objects.get(pk=job["id"]).file.name
    assert path.exists()
    officer = make_member(acme, Role.COMPLIANCE_OFFICER, "olivia")
    assert api_as(officer).delete(job["url"]).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(job["url"]).status_code == 204
    assert api.get(job["url"]).status_code == 404 and not path.exists()
    assert GeneratedDocument.history.filter(id=job["id"], history_type="-", history_user=alice).exists()
