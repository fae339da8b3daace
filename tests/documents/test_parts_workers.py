"""A document built in parts by real worker processes (decision 0014): the parts run
on several workers and merge into the same pages as a one-process build; a worker
SIGKILLed in the middle of a part leaves no partial file, and the document completes
once a worker is back; a part that needs more memory than the pool process's limit fails
its document with a reason. Runs on the embedded filesystem broker and on Redis."""

import hashlib
import io
import signal

import pytest
from pypdf import PdfReader

from documents import registry, services
from documents.models import DocumentPart, DocumentStatus, GeneratedDocument
from tests.conftest import wait_for

from .parts_builder import PARTS

pytestmark = pytest.mark.worker


def _finished(document_id, timeout, what):
    return wait_for(
        lambda: (
            (d := GeneratedDocument.objects.get(pk=document_id)).status in (DocumentStatus.DONE, "failed")
            and d
        ),
        timeout=timeout,
        what=what,
    )


def _texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _files_in(media, document) -> list[str]:
    folder = media / "documents" / str(document.organization_id)
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


def test_two_workers_render_the_parts_and_the_merge_equals_a_one_process_build(
    acme, alice, media, workers, worker_env
):
    workers.start(worker_env, "parts-worker-a")
    workers.start(worker_env, "parts-worker-b")
    document = services.document_request(
        organization=acme, actor=alice, kind=PARTS, parameters={"parts": 4, "rows": 5, "seconds": 1}
    )
    done = _finished(document.pk, 90, "two workers to build the document in parts")
    assert done.status == DocumentStatus.DONE, done.error
    content = (media / done.file.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == done.sha256

    rendered_by = {part.worker.split("-")[2] for part in DocumentPart.objects.filter(document=done)}
    assert rendered_by == {"a", "b"}  # each worker rendered some of the parts
    in_one_process = registry.kind_get(PARTS).parts.build_here(done)
    assert _texts(content) == _texts(in_one_process)
    assert _files_in(media, done) == [done.file.name.rsplit("/", 1)[-1]]  # the parts folder is gone


def test_a_worker_killed_mid_part_leaves_no_partial_file_and_the_document_completes_after_restart(
    acme, alice, media, workers, worker_env
):
    first = workers.start(worker_env, "parts-worker-killed")
    document = services.document_request(
        organization=acme, actor=alice, kind=PARTS, parameters={"parts": 2, "rows": 5, "seconds": 2}
    )
    running = wait_for(
        lambda: DocumentPart.objects.filter(document=document, status=DocumentStatus.RUNNING).first(),
        timeout=60,
        what="a part to be rendering",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    running.refresh_from_db()
    assert running.status == DocumentStatus.RUNNING and running.attempts == 1 and not running.file
    done_files = {p.file.rsplit("/", 1)[-1] for p in DocumentPart.objects.filter(document=document) if p.file}
    stored = {name.rsplit("/", 1)[-1] for name in _files_in(media, document)}
    assert stored == done_files  # only finished parts are on disk: no half-written file, no temporary
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.RUNNING

    workers.start(worker_env, "parts-worker-restarted")
    done = _finished(document.pk, 90, "the restarted worker to complete the document")
    assert done.status == DocumentStatus.DONE, done.error
    content = (media / done.file.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == done.sha256
    pages = _texts(content)
    assert "SECTION-001-0005" in "".join(pages) and "SECTION-002-0005" in pages[-1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    killed = DocumentPart.objects.get(pk=running.pk)
    assert killed.attempts == 2 and killed.worker.startswith("parts-worker-restarted-")


def test_a_part_past_the_worker_memory_limit_fails_the_document_with_a_readable_reason(
    acme, alice, media, workers, worker_env
):
    # A prefork pool process (the pool of docker-compose's workers) limited to 1 GiB of data;
    # the part "section-002" asks for 4 GiB at once.
    workers.start(
        {**worker_env, "DOCUMENT_WORKER_MEMORY_LIMIT_MB": "1024"}, "memory-limited-worker", pool="prefork"
    )
    document = services.document_request(
        organization=acme,
        actor=alice,
        kind=PARTS,
        parameters={"parts": 3, "rows": 2, "hungry": "section-002"},
    )
    failed = _finished(document.pk, 90, "the memory-limited worker to give up on the document")
    assert failed.status == DocumentStatus.FAILED
    assert failed.error.startswith(
        "Building part “section-002” of this document ran out of memory (limit 1024 MiB per worker process)."
    )
    part = DocumentPart.objects.get(document=failed, key="section-002")
    assert (part.status, part.error) == (DocumentStatus.FAILED, failed.error)
    assert part.attempts == 1  # failed at once, not retried until the attempts ran out
    assert _files_in(media, failed) == []
    retried = services.document_retry(document=failed, actor=alice)  # retryable like any failure
    assert retried.status == DocumentStatus.QUEUED and retried.error == ""
