"""The build task called in-process: done, failed, idempotent, atomic, recovered."""

import hashlib
import logging
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.history import history_for
from documents import files, services
from documents.models import DocumentStatus, GeneratedDocument
from documents.tasks import document_build

from .slow_builder import CRASHING, FLAKY, REFUSING, SLOW, slow_content


def _stored(media: Path) -> list[str]:
    root = media / "documents"
    return sorted(str(p.relative_to(media)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_request_is_queued_and_enqueued_on_commit(acme, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.document_request(organization=acme, actor=alice, kind=SLOW, parameters={})
        assert callbacks == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    assert document.status == DocumentStatus.QUEUED
    assert document.title == "Slow test document"
    assert document.filename.startswith("acme-slow-") and document.filename.endswith(".txt")
    assert document.requested_by == alice
    assert history_for(document)[0].reason == "Requested"


def test_the_enqueued_message_names_the_task_and_goes_to_the_pdf_queue(
    acme, alice, monkeypatch, settings, django_capture_on_commit_callbacks
):
    sent = []

    class Broker:
        def send_task(self, name, args, queue):
            sent.append((name, args, queue))

    monkeypatch.setattr(services, "current_app", Broker())
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(organization=acme, actor=alice, kind=SLOW)
    assert sent == [("documents.tasks.document_build", [document.pk], "pdf")]
    assert settings.CELERY_TASK_ROUTES["documents.tasks.document_build"] == {"queue": "pdf"}
    assert document_build.acks_late is True
    assert document_build.reject_on_worker_lost is True
    assert 0 < document_build.max_retries <= 5
    assert document_build.soft_time_limit < document_build.time_limit


def test_a_broker_that_refuses_the_message_leaves_the_document_queued_for_the_sweep(
    acme, alice, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    class DownBroker:
        def send_task(self, name, args, queue):
            raise ConnectionError("broker down")

    monkeypatch.setattr(services, "current_app", DownBroker())
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(organization=acme, actor=alice, kind=SLOW)
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED
    assert "Could not enqueue" in caplog.text


def test_an_unknown_kind_or_bad_parameters_are_refused(acme, alice):
    with pytest.raises(ValidationError) as unknown:
        services.document_request(organization=acme, actor=alice, kind="nope")
    assert "kind" in unknown.value.message_dict
    with pytest.raises(ValidationError) as bad:
        services.document_request(organization=acme, actor=alice, kind=SLOW, parameters={"seconds": "x"})
    assert "parameters" in bad.value.message_dict
    with pytest.raises(ValidationError):
        services.document_request(organization=acme, actor=alice, kind=CRASHING, parameters={"a": 1})
    assert not GeneratedDocument.objects.exists()


def test_the_task_builds_the_file_and_records_its_size_and_sha256(acme, alice, media, request_document):
    document = request_document(acme, alice, SLOW)
    assert document_build(document.pk) == "done"
    document.refresh_from_db()
    expected = slow_content(document.pk)
    assert document.status == DocumentStatus.DONE
    assert document.progress == 100
    assert document.size == len(expected)
    assert document.sha256 == hashlib.sha256(expected).hexdigest()
    assert (media / document.file.name).read_bytes() == expected
    assert document.file.name.startswith(f"documents/{acme.pk}/{document.pk}-1-")
    assert document.attempts == 1
    assert document.started_at <= document.finished_at
    assert [e.reason for e in history_for(document)][:2] == [
        "Built",
        f"Build started (attempt 1) on {document.worker}",
    ]
    assert _stored(media) == [document.file.name]


def test_a_done_document_is_not_built_again(acme, alice, media, request_document):
    document = request_document(acme, alice, SLOW)
    document_build(document.pk)
    document.refresh_from_db()
    before = (document.file.name, document.sha256, document.finished_at)
    assert document_build(document.pk) == "skipped"
    document.refresh_from_db()
    assert (document.file.name, document.sha256, document.finished_at) == before
    assert document.attempts == 1


def test_a_running_document_with_a_live_lease_is_left_to_its_worker(acme, alice, request_document):
    document = request_document(acme, alice, SLOW)
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert document_build(document.pk) == "skipped"
    document.refresh_from_db()
    assert document.status == DocumentStatus.RUNNING
    assert document.attempts == 1


def test_a_running_document_left_by_a_dead_worker_is_rebuilt(acme, alice, media, request_document):
    document = request_document(acme, alice, SLOW)
    # A dead worker's attempt: claimed, lease run out, a temporary part left behind.
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING,
        attempts=1,
        worker="dead@host/1",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    folder = files.organization_dir(acme.pk)
    folder.mkdir(parents=True)
    (folder / f".{document.pk}-1-x.txt.abc.part").write_bytes(b"half a fi")
    assert document_build(document.pk) == "done"
    document.refresh_from_db()
    assert document.attempts == 2
    assert _stored(media) == [document.file.name]
    assert files.sha256_of(document.file.name) == document.sha256


def test_a_builder_crash_fails_the_document_with_a_readable_reason_and_logs_the_traceback(
    acme, alice, media, request_document, caplog
):
    document = request_document(acme, alice, CRASHING)
    with caplog.at_level(logging.ERROR, logger="documents.services"):
        assert document_build(document.pk) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "unexpected error" in document.error
    assert f"document {document.pk}" in document.error
    assert "ZeroDivisionError" not in document.error  # the person gets a sentence, the log the traceback
    assert any("ZeroDivisionError" in (r.exc_text or "") for r in caplog.records)
    assert document.lease_expires_at is None and document.finished_at is not None
    assert _stored(media) == []


def test_a_builder_refusal_is_shown_as_it_was_written(acme, alice, request_document):
    document = request_document(acme, alice, REFUSING)
    assert document_build(document.pk) == "failed"
    document.refresh_from_db()
    assert document.error == "There is no approved SoA version to print yet: approve one first."


def test_a_transient_error_releases_the_document_for_a_retry_then_gives_up(acme, alice, request_document):
    document = request_document(acme, alice, FLAKY)
    with pytest.raises(services.RetryLater):
        services.document_build(document_id=document.pk, worker="w/1", retries_left=True)
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED
    assert services.document_build(document_id=document.pk, worker="w/1", retries_left=False) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "the mail relay is down" in document.error
    assert document.attempts == 2


def test_a_document_that_kills_its_worker_every_time_ends_failed(acme, alice, request_document, settings):
    document = request_document(acme, alice, SLOW)
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING,
        attempts=settings.DOCUMENT_MAX_ATTEMPTS,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert document_build(document.pk) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert f"stopped {settings.DOCUMENT_MAX_ATTEMPTS} times" in document.error


def test_a_failed_write_leaves_no_file_and_no_part(acme, alice, media, request_document, monkeypatch):
    document = request_document(acme, alice, SLOW)

    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OSError):
        document_build(document.pk)
    assert _stored(media) == []


def test_the_atomic_write_replaces_in_one_step(media):
    name = files.relative_name(organization_id=1, document_id=7, attempt=1, filename="a b.pdf")
    assert name == "documents/1/7-1-a-b.pdf"
    size, digest = files.file_write_atomic(name, b"%PDF-1.7 complete")
    assert (size, digest) == (17, hashlib.sha256(b"%PDF-1.7 complete").hexdigest())
    assert sorted(p.name for p in (media / "documents" / "1").iterdir()) == ["7-1-a-b.pdf"]


def test_the_recovery_sweep_requeues_only_dead_builds_and_lost_messages(
    acme, alice, request_document, settings, django_capture_on_commit_callbacks
):
    dead = request_document(acme, alice, SLOW)
    alive = request_document(acme, alice, SLOW)
    lost = request_document(acme, alice, SLOW)
    waiting = request_document(acme, alice, SLOW)
    now = timezone.now()
    GeneratedDocument.objects.filter(pk=dead.pk).update(
        status=DocumentStatus.RUNNING, attempts=1, lease_expires_at=now - timedelta(seconds=5)
    )
    GeneratedDocument.objects.filter(pk=alive.pk).update(
        status=DocumentStatus.RUNNING, attempts=1, lease_expires_at=now + timedelta(seconds=30)
    )
    GeneratedDocument.objects.filter(pk=lost.pk).update(
        enqueued_at=now - timedelta(seconds=settings.DOCUMENT_REQUEUE_AFTER_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.documents_recover() == 2
    assert len(callbacks) == 2
    states = dict(GeneratedDocument.objects.values_list("pk", "status"))
    assert states == {
        dead.pk: DocumentStatus.QUEUED,
        alive.pk: DocumentStatus.RUNNING,
        lost.pk: DocumentStatus.QUEUED,
        waiting.pk: DocumentStatus.QUEUED,
    }
    assert history_for(dead)[0].reason == "The worker building it stopped; queued again"


def test_retry_queues_a_failed_document_again_and_only_a_failed_one(acme, alice, request_document):
    document = request_document(acme, alice, REFUSING)
    with pytest.raises(ValidationError):
        services.document_retry(document=document, actor=alice)
    document_build(document.pk)
    document.refresh_from_db()
    services.document_retry(document=document, actor=alice)
    document.refresh_from_db()
    assert (document.status, document.error, document.attempts) == (DocumentStatus.QUEUED, "", 0)
    assert history_for(document)[0].reason == "Retried"
    assert history_for(document)[0].who == alice.display_name
