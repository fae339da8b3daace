"""``/o/<slug>/documents/``: the list, the polling status block, request, retry, download; the cast."""

import pytest
from django.urls import reverse

from core.roles import Role
from documents.models import DocumentStatus, GeneratedDocument
from documents.tasks import document_build

from .slow_builder import REFUSING, SLOW, slow_content


def _page(name, slug="acme", **kwargs):
    return reverse(f"documents:{name}", kwargs={"organization_slug": slug, **kwargs})


@pytest.fixture
def queued(acme, alice, request_document):
    return request_document(acme, alice, SLOW)


@pytest.fixture
def done(acme, alice, request_document):
    document = request_document(acme, alice, SLOW)
    document_build(document.pk)
    document.refresh_from_db()
    return document


@pytest.fixture
def failed(acme, alice, request_document):
    document = request_document(acme, alice, REFUSING)
    document_build(document.pk)
    document.refresh_from_db()
    return document


def test_the_page_lists_title_who_when_status_size_and_actions(client, alice, queued, done, failed):
    client.force_login(alice)
    response = client.get(_page("list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="document-row"') == 3
    assert "Slow test document" in html and "Alice Archer" in html
    assert _page("download", pk=done.pk) in html
    assert done.sha256 in html
    assert _page("retry", pk=failed.pk) in html
    assert "There is no approved SoA version to print yet" in html
    # Only the unfinished one polls.
    assert html.count('hx-trigger="every 2s"') == 1
    assert f'hx-get="{_page("status", pk=queued.pk)}"' in html
    assert 'value="asset_inventory_xlsx"' in html and 'value="asset_inventory_pdf"' in html
    assert _page("list") in html  # the sidebar link


def test_the_status_block_polls_until_done_then_stops(client, alice, queued):
    client.force_login(alice)
    url = _page("status", pk=queued.pk)
    polling = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="queued"' in polling and 'hx-trigger="every 2s"' in polling
    GeneratedDocument.objects.filter(pk=queued.pk).update(status=DocumentStatus.RUNNING, progress=42)
    running = client.get(url).content.decode()
    assert "42%" in running and 'hx-trigger="every 2s"' in running
    GeneratedDocument.objects.filter(pk=queued.pk).update(status=DocumentStatus.QUEUED, progress=0)
    document_build(queued.pk)
    finished = client.get(url).content.decode()
    assert 'data-status="done"' in finished
    assert "hx-trigger" not in finished
    assert _page("download", pk=queued.pk) in finished


def test_the_list_keeps_a_constant_number_of_queries(
    client, acme, alice, request_document, django_assert_max_num_queries
):
    for _ in range(20):
        request_document(acme, alice, SLOW)
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(_page("list"))
    assert response.content.decode().count('data-testid="document-row"') == 20


def test_the_form_requests_a_document_and_shows_it(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_page("request"), {"kind": "asset_inventory_xlsx", "p_kind": ["ai_system"]})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_page('list')}?highlight={document.pk}"
    assert len(callbacks) == 1
    assert document.kind == "asset_inventory_xlsx"
    assert document.parameters == {"kind": ["ai_system"]}
    assert document.requested_by == alice


def test_a_bad_request_says_why_and_creates_nothing(client, alice):
    client.force_login(alice)
    response = client.post(_page("request"), {"kind": "asset_inventory_xlsx", "p_colour": "red"}, follow=True)
    assert "Unknown asset filter" in response.content.decode()
    response = client.post(_page("request"), {"kind": "tea"}, follow=True)
    assert "Choose a kind of document" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_retry_queues_the_failed_document_again(client, alice, failed, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_page("retry", pk=failed.pk))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.QUEUED


def test_the_download_serves_the_file(client, alice, done):
    client.force_login(alice)
    response = client.get(_page("download", pk=done.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == slow_content(done.pk)
    assert response["X-Content-SHA256"] == done.sha256


def test_a_queued_document_is_not_downloadable(client, alice, queued):
    client.force_login(alice)
    assert client.get(_page("download", pk=queued.pk)).status_code == 404


def test_charlie_gets_404_for_everything_of_acme(client, charlie, queued, done, failed):
    client.force_login(charlie)
    assert client.get(_page("list")).status_code == 404
    assert client.post(_page("request"), {"kind": SLOW}).status_code == 404
    for name, document in (("status", queued), ("download", done)):
        assert client.get(_page(name, pk=document.pk)).status_code == 404
        assert client.get(_page(name, "globex", pk=document.pk)).status_code == 404
    assert client.post(_page("retry", "globex", pk=failed.pk)).status_code == 404
    html = client.get(_page("list", "globex")).content.decode()
    assert 'data-testid="document-row"' not in html
    assert "No generated documents yet" in html
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.FAILED


def test_bob_a_viewer_sees_no_exports_and_may_not_request_one(client, bob, done):
    client.force_login(bob)
    html = client.get(_page("list")).content.decode()
    assert 'data-testid="document-request-form"' not in html
    assert 'data-testid="document-row"' not in html
    assert client.post(_page("request"), {"kind": "asset_inventory_xlsx"}).status_code == 403
    assert client.get(_page("download", pk=done.pk)).status_code == 403
    assert not GeneratedDocument.objects.filter(requested_by=bob).exists()


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUDITOR, Role.COMPLIANCE_OFFICER])
def test_roles_that_export_may_request_and_download(client, acme, make_member, done, role):
    user = make_member(acme, role, f"user-{role}")
    client.force_login(user)
    assert client.get(_page("download", pk=done.pk)).status_code == 200
    response = client.post(_page("request"), {"kind": "asset_inventory_pdf"})
    assert response.status_code == 302
    assert GeneratedDocument.objects.filter(requested_by=user, kind="asset_inventory_pdf").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, acme, done):
    response = client.get(_page("download", pk=done.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
