"""Generated files are kept until an administrator deletes them: the confirm page says what goes,
the file leaves storage with its row, history keeps who deleted it; a queued or running document
is refused; other roles get 403 and another organization 404, in pages and in the API."""

from pathlib import Path

import pytest
from django.conf import settings

from core.roles import Role
from documents.models import GeneratedDocument
from documents.tasks import document_build

from .slow_builder import SLOW


@pytest.fixture
def done_document(acme, alice, request_document):
    document = request_document(acme, alice, SLOW, {"seconds": 0})
    document_build(document.pk)
    document.refresh_from_db()
    assert document.status == "done"
    return document


def _file(document) -> Path:
    return Path(settings.MEDIA_ROOT) / document.file.name


def _history_of_delete(document_id):
    return GeneratedDocument.history.filter(id=document_id, history_type="-").get()


def test_the_admin_sees_what_goes_then_deletes_the_file_and_history_keeps_it(
    client, alice, done_document, django_capture_on_commit_callbacks
):
    path = _file(done_document)
    assert path.exists()
    client.force_login(alice)
    listing = client.get("/o/acme/documents/").content.decode()
    assert f"/o/acme/documents/{done_document.pk}/delete/" in listing

    confirm = client.get(f"/o/acme/documents/{done_document.pk}/delete/")
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert done_document.filename in page and done_document.sha256 in page
    assert "history is kept" in page

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the delete commits
        with_callbacks = client.post(f"/o/acme/documents/{done_document.pk}/delete/", follow=True)
    assert with_callbacks.redirect_chain[-1][0] == "/o/acme/documents/"
    assert "were deleted" in with_callbacks.content.decode()
    assert not GeneratedDocument.objects.filter(pk=done_document.pk).exists()
    assert not path.exists()
    entry = _history_of_delete(done_document.pk)
    assert entry.history_user == alice
    assert entry.history_change_reason == "Deleted by an administrator"
    assert entry.sha256 == done_document.sha256


@pytest.mark.parametrize("role", [Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.CONTRIBUTOR, Role.VIEWER])
def test_no_other_role_may_delete_a_file(client, acme, make_member, done_document, role):
    user = make_member(acme, role, f"member-{role}")
    client.force_login(user)
    assert client.get(f"/o/acme/documents/{done_document.pk}/delete/").status_code == 403
    assert client.post(f"/o/acme/documents/{done_document.pk}/delete/").status_code == 403
    if role != Role.VIEWER:  # a viewer cannot read the documents page's kinds at all
        listing = client.get("/o/acme/documents/").content.decode()
        assert f"/documents/{done_document.pk}/delete/" not in listing
    assert GeneratedDocument.objects.filter(pk=done_document.pk).exists()
    assert _file(done_document).exists()


def test_a_queued_document_is_refused_and_kept(client, acme, alice, request_document):
    queued = request_document(acme, alice, SLOW, {"seconds": 0})
    client.force_login(alice)
    confirm = client.get(f"/o/acme/documents/{queued.pk}/delete/").content.decode()
    assert "can be deleted once it is done or has failed" in confirm
    answer = client.post(f"/o/acme/documents/{queued.pk}/delete/", follow=True)
    assert "delete it once it is done or has failed" in answer.content.decode()
    assert GeneratedDocument.objects.filter(pk=queued.pk, status="queued").exists()


def test_the_api_deletes_for_admins_only_and_refuses_unfinished_ones(
    acme, alice, make_member, api_as, done_document, request_document, django_capture_on_commit_callbacks
):
    officer = make_member(acme, Role.COMPLIANCE_OFFICER, "olivia")
    url = f"/api/v1/organizations/acme/documents/{done_document.pk}/"
    refused = api_as(officer).delete(url)
    assert refused.status_code == 403, refused.content
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(alice).delete(url).status_code == 204
    assert not GeneratedDocument.objects.filter(pk=done_document.pk).exists()
    assert not _file(done_document).exists()
    assert api_as(alice).get(url).status_code == 404

    queued = request_document(acme, alice, SLOW, {"seconds": 0})
    answer = api_as(alice).delete(f"/api/v1/organizations/acme/documents/{queued.pk}/")
    assert answer.status_code == 400
    assert "done or has failed" in str(answer.json()["status"])


def test_another_organizations_file_is_404_and_stays(globex, charlie, client, api_as, done_document):
    client.force_login(charlie)
    assert client.get(f"/o/acme/documents/{done_document.pk}/delete/").status_code == 404
    assert client.get(f"/o/globex/documents/{done_document.pk}/delete/").status_code == 404
    assert client.post(f"/o/globex/documents/{done_document.pk}/delete/").status_code == 404
    api_url = f"/api/v1/organizations/globex/documents/{done_document.pk}/"
    assert api_as(charlie).delete(api_url).status_code == 404
    assert GeneratedDocument.objects.filter(pk=done_document.pk).exists()
    assert _file(done_document).exists()
