"""``/api/v1/organizations/{slug}/documents/``: status shape, request, retry, download; the cast."""

import hashlib
import io

import pytest
from openpyxl import load_workbook

from core.roles import Role
from documents.models import DocumentStatus, GeneratedDocument
from documents.tasks import document_build
from tests.factories import AssetFactory

from .slow_builder import REFUSING, SLOW, slow_content

BASE = "/api/v1/organizations/{slug}/documents/"


def _url(slug="acme", suffix=""):
    return BASE.format(slug=slug) + suffix


@pytest.fixture
def done_document(acme, alice, request_document):
    document = request_document(acme, alice, SLOW)
    document_build(document.pk)
    document.refresh_from_db()
    return document


@pytest.fixture
def failed_document(acme, alice, request_document):
    document = request_document(acme, alice, REFUSING)
    document_build(document.pk)
    document.refresh_from_db()
    return document


def test_a_request_answers_202_with_the_job_to_poll(acme, alice, api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(alice).post(_url(), {"kind": SLOW, "parameters": {"seconds": 0}}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    document = GeneratedDocument.objects.get()
    assert len(callbacks) == 1
    assert body["id"] == document.pk
    assert body["status"] == "queued"
    assert body["progress"] == 0
    assert body["url"] == f"http://testserver{_url(suffix=f'{document.pk}/')}"
    assert response["Location"] == body["url"]
    assert body["download_url"] is None and body["size"] is None and body["sha256"] is None
    assert body["error"] is None
    assert body["requested_by"] == "alice"
    assert body["parameters"] == {"seconds": 0}


def test_a_done_document_has_its_download_url_size_and_sha256(acme, alice, api_as, done_document):
    body = api_as(alice).get(_url(suffix=f"{done_document.pk}/")).json()
    content = slow_content(done_document.pk)
    assert body["status"] == "done"
    assert body["progress"] == 100
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["download_url"] == f"http://testserver{_url(suffix=f'{done_document.pk}/download/')}"
    assert body["finished_at"] and body["started_at"] and body["requested_at"]
    assert body["error"] is None


def test_the_download_streams_the_file_with_its_sha256(alice, api_as, done_document):
    response = api_as(alice).get(_url(suffix=f"{done_document.pk}/download/"), HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == slow_content(done_document.pk)
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
    assert response["Content-Type"] == "text/plain"
    assert f'filename="{done_document.filename}"' in response["Content-Disposition"]


def test_a_failed_document_has_its_error_and_can_be_retried(
    alice, api_as, failed_document, django_capture_on_commit_callbacks
):
    client = api_as(alice)
    body = client.get(_url(suffix=f"{failed_document.pk}/")).json()
    assert body["status"] == "failed"
    assert body["error"] == "There is no approved SoA version to print yet: approve one first."
    assert body["download_url"] is None
    assert client.get(_url(suffix=f"{failed_document.pk}/download/")).status_code == 404
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(suffix=f"{failed_document.pk}/retry/"))
    assert response.status_code == 202
    assert response.json()["status"] == "queued" and response.json()["error"] is None
    assert len(callbacks) == 1
    again = client.post(_url(suffix=f"{failed_document.pk}/retry/"))
    assert again.status_code == 400
    assert "Only a failed document" in str(again.json())


def test_a_document_not_done_yet_is_not_downloadable(acme, alice, api_as, request_document):
    document = request_document(acme, alice, SLOW)
    assert api_as(alice).get(_url(suffix=f"{document.pk}/download/")).status_code == 404


def test_unknown_kinds_and_bad_parameters_answer_400_per_field(alice, api_as):
    client = api_as(alice)
    unknown = client.post(_url(), {"kind": "tea"}, format="json")
    assert unknown.status_code == 400
    assert "kind" in unknown.json()
    bad = client.post(
        _url(), {"kind": "asset_inventory_xlsx", "parameters": {"colour": "red"}}, format="json"
    )
    assert bad.status_code == 400
    assert "Unknown asset filter" in str(bad.json()["parameters"])
    invalid = client.post(
        _url(), {"kind": "asset_inventory_xlsx", "parameters": {"kind": ["spaceship"]}}, format="json"
    )
    assert invalid.status_code == 400
    assert "kind" in str(invalid.json()["parameters"])
    missing = client.post(_url(), {}, format="json")
    assert missing.status_code == 400 and "kind" in missing.json()
    assert not GeneratedDocument.objects.exists()


def test_the_list_filters_by_kind_and_status(alice, api_as, done_document, failed_document):
    client = api_as(alice)
    everything = client.get(_url()).json()
    assert everything["count"] == 2
    assert [d["id"] for d in client.get(_url(), {"status": "failed"}).json()["results"]] == [
        failed_document.pk
    ]
    assert [d["id"] for d in client.get(_url(), {"kind": SLOW}).json()["results"]] == [done_document.pk]
    both = client.get(_url(), {"status": ["failed", "done"]}).json()
    assert both["count"] == 2
    bad = client.get(_url(), {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_list_keeps_a_constant_number_of_queries(
    acme, alice, api_as, request_document, django_assert_max_num_queries
):
    for _ in range(15):
        request_document(acme, alice, SLOW)
    client = api_as(alice)
    with django_assert_max_num_queries(8):
        response = client.get(_url())
    assert response.json()["count"] == 15


def test_charlie_sees_nothing_of_acmes_documents(acme, charlie, api_as, done_document, failed_document):
    client = api_as(charlie)
    assert client.get(_url()).status_code == 404
    for suffix in (f"{done_document.pk}/", f"{done_document.pk}/download/"):
        assert client.get(_url(suffix=suffix)).status_code == 404
    assert client.post(_url(suffix=f"{failed_document.pk}/retry/")).status_code == 404
    assert client.post(_url(), {"kind": SLOW}, format="json").status_code == 404
    # Through his own organization's address, Acme's ids are not found either.
    for suffix in (f"{done_document.pk}/", f"{done_document.pk}/download/"):
        assert client.get(_url("globex", suffix)).status_code == 404
    assert client.post(_url("globex", f"{failed_document.pk}/retry/")).status_code == 404
    assert client.get(_url("globex")).json()["count"] == 0


def test_bob_a_viewer_may_neither_request_nor_read_exports(acme, bob, api_as, done_document):
    client = api_as(bob)
    response = client.post(_url(), {"kind": "asset_inventory_xlsx"}, format="json")
    assert response.status_code == 403
    assert client.get(_url()).json()["count"] == 0
    # A member may know the document exists (as on the pages): 403, not 404.
    assert client.get(_url(suffix=f"{done_document.pk}/")).status_code == 403
    assert client.get(_url(suffix=f"{done_document.pk}/download/")).status_code == 403


def test_an_auditor_may_request_and_download_exports(acme, make_member, api_as, done_document):
    auditor = make_member(acme, Role.AUDITOR, "audrey")
    client = api_as(auditor)
    assert client.get(_url(suffix=f"{done_document.pk}/download/")).status_code == 200
    assert client.post(_url(), {"kind": SLOW}, format="json").status_code == 202


def test_anonymous_requests_answer_401(acme, api_client, done_document):
    assert api_client.get(_url()).status_code == 401
    assert api_client.get(_url(suffix=f"{done_document.pk}/download/")).status_code == 401


def test_the_asset_inventory_xlsx_holds_the_filtered_assets(acme, alice, api_as, media):
    for n in range(1, 6):
        AssetFactory(organization=acme, owner=alice, identifier=f"AST-{n:04d}", name=f"Server {n}")
    AssetFactory(organization=acme, owner=alice, identifier="AST-0009", name="Laptop", criticality="critical")
    client = api_as(alice)
    body = client.post(
        _url(), {"kind": "asset_inventory_xlsx", "parameters": {"criticality": "critical"}}, format="json"
    ).json()
    assert document_build(body["id"]) == "done"
    done = client.get(body["url"]).json()
    response = client.get(done["download_url"])
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == done["sha256"]
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Assets"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("identifier", "name")
    assert [r[0] for r in rows[1:]] == ["AST-0009"]
    everything = client.post(_url(), {"kind": "asset_inventory_xlsx"}, format="json").json()
    document_build(everything["id"])
    content = b"".join(client.get(client.get(everything["url"]).json()["download_url"]).streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True)["Assets"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [
        "AST-0001",
        "AST-0002",
        "AST-0003",
        "AST-0004",
        "AST-0005",
        "AST-0009",
    ]


def test_the_schema_documents_every_answer(client, db):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    base = "/api/v1/organizations/{organization_slug}/documents/"
    assert set(paths[base]["post"]["responses"]) == {"202", "400", "401", "403", "404"}
    assert set(paths[base]["get"]["responses"]) == {"200", "400", "401", "404"}
    assert set(paths[base + "{id}/"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert set(paths[base + "{id}/retry/"]["post"]["responses"]) == {"202", "400", "401", "403", "404"}
    assert set(paths[base + "{id}/download/"]["get"]["responses"]) == {"200", "401", "403", "404"}
    component = schema["components"]["schemas"]["GeneratedDocument"]
    for name in ("id", "status", "progress", "url", "download_url", "size", "sha256", "error"):
        assert name in component["properties"]
    assert component["properties"]["download_url"].get("nullable") is True
    assert component["properties"]["error"].get("nullable") is True
    status_enum = component["properties"]["status"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][status_enum]["enum"]) == set(DocumentStatus.values)
