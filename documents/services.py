"""Requesting, building, retrying and recovering generated documents.

The web process only ever calls ``document_request`` and ``document_retry``:
they save the row ``queued`` and enqueue the one build task when the
transaction commits. Everything else runs in the worker.

A build *claims* its row with one conditional update (queued, or running with
an expired lease) and renews a lease while it runs, so that a document left
``running`` by a dead worker is rebuilt — by the broker's redelivery where the
broker has one, and in any case by ``documents_recover``, which a bootstep runs
in every worker — while a live build is never started twice.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.services import record_delete, record_save
from core.types import Actor

from . import files, registry
from .models import DocumentPart, DocumentPhase, DocumentStatus, GeneratedDocument

logger = logging.getLogger(__name__)

BUILD_TASK = "documents.tasks.document_build"


class RetryLater(Exception):
    """A transient failure: the task should run again after a pause."""


def _enqueue(document_id: int, kind: str) -> None:
    queue = registry.queue_for(kind)

    def send():
        try:
            current_app.send_task(BUILD_TASK, args=[document_id], queue=queue)
        except Exception:
            # The row stays queued; documents_recover enqueues it again later.
            logger.exception("Could not enqueue generated document %s", document_id)

    transaction.on_commit(send)


def document_request(
    *, organization, actor: Actor, kind: str, parameters: dict | None = None
) -> GeneratedDocument:
    """Queue a document of ``kind`` for ``organization``; it is built in the background.

    Raises ``ValidationError`` for an unknown kind or parameters the kind refuses.
    The caller checks that ``actor`` may request the kind (``registry.can_access``).
    """
    try:
        entry = registry.kind_get(kind)
    except registry.UnknownKind:
        raise ValidationError({"kind": f"There is no document of kind {kind!r}."}) from None
    cleaned = entry.clean_parameters(parameters, organization=organization)
    now = timezone.now()
    document = GeneratedDocument(
        organization=organization,
        kind=kind,
        title=entry.title_for(cleaned)[:200],
        parameters=cleaned,
        requested_by=actor,
        filename=files.safe_filename(entry.filename_for(organization=organization, parameters=cleaned)),
        content_type=entry.content_type,
        requested_at=now,
        enqueued_at=now,
    )
    with transaction.atomic():
        record_save(document, actor=actor, reason="Requested")
        _enqueue(document.pk, document.kind)
    return document


def document_retry(*, document: GeneratedDocument, actor: Actor) -> GeneratedDocument:
    """Queue a failed document again, from scratch."""
    if document.status != DocumentStatus.FAILED:
        raise ValidationError(
            {"status": f"Only a failed document can be retried; this one is {document.get_status_display()}."}
        )
    document.status = DocumentStatus.QUEUED
    document.progress = 0
    document.error = ""
    document.attempts = 0
    document.worker = ""
    document.lease_expires_at = None
    document.started_at = None
    document.finished_at = None
    document.phase = DocumentPhase.WHOLE
    document.enqueued_at = timezone.now()
    with transaction.atomic():
        # A retry plans the parts afresh; the rows are bookkeeping (the worker removes their files).
        DocumentPart.objects.filter(document=document).delete()
        record_save(document, actor=actor, reason="Retried")
        _enqueue(document.pk, document.kind)
    return document


def document_delete(*, document: GeneratedDocument, actor: Actor) -> None:
    """Delete a finished document and its file; its history keeps who requested, built and deleted it.

    Generated files are kept until an administrator deletes them (the caller checks the role).
    A queued or running document is refused: its worker would write a file nobody could reach.
    """
    organization_id, document_id = document.organization_id, document.pk
    with transaction.atomic():
        # Read under a lock: a retry may have queued it again since the page was shown.
        current = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if not current.is_finished:
            raise ValidationError(
                {
                    "status": f"“{current.title}” is {current.get_status_display().lower()}; "
                    "delete it once it is done or has failed."
                }
            )
        record_delete(current, actor=actor, reason="Deleted by an administrator")

        def remove_files():
            files.leftovers_remove(organization_id=organization_id, document_id=document_id)
            files.parts_remove(organization_id=organization_id, document_id=document_id)

        # The file goes only once the row is gone for good: a rolled-back delete keeps both.
        transaction.on_commit(remove_files)


# --- In the worker ----------------------------------------------------------------


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.DOCUMENT_LEASE_SECONDS)


def _claim(document_id: int, worker: str) -> GeneratedDocument | None:
    now = timezone.now()
    # A document whose parts are being rendered has no lease of its own (its parts have):
    # a duplicate build message must not take it over.
    claimable = Q(status=DocumentStatus.QUEUED) | (
        Q(status=DocumentStatus.RUNNING)
        & (Q(lease_expires_at__lt=now) | (Q(lease_expires_at__isnull=True) & Q(phase=DocumentPhase.WHOLE)))
    )
    with transaction.atomic():
        claimed = (
            GeneratedDocument.objects.filter(pk=document_id)
            .filter(claimable)
            .update(
                status=DocumentStatus.RUNNING,
                worker=worker[:255],
                lease_expires_at=_lease_until(),
                attempts=F("attempts") + 1,
                started_at=now,
                progress=0,
                error="",
                finished_at=None,
                phase=DocumentPhase.WHOLE,
            )
        )
        if not claimed:
            state = GeneratedDocument.objects.filter(pk=document_id).values_list("status", flat=True).first()
            logger.info("Generated document %s not built here: %s", document_id, state or "no such document")
            return None
        document = GeneratedDocument.objects.select_related("organization", "requested_by").get(
            pk=document_id
        )
        record_save(document, actor=None, reason=f"Build started (attempt {document.attempts}) on {worker}")
    return document


def _owned(document: GeneratedDocument):
    """The row, locked, if this attempt still holds it."""
    current = GeneratedDocument.objects.select_for_update().filter(pk=document.pk).first()
    if current is None or current.status != DocumentStatus.RUNNING or current.attempts != document.attempts:
        return None
    return current


def _fail(document: GeneratedDocument, reason: str) -> bool:
    with transaction.atomic():
        current = _owned(document)
        if current is None:
            return False
        current.status = DocumentStatus.FAILED
        current.error = reason
        current.lease_expires_at = None
        current.finished_at = timezone.now()
        record_save(current, actor=None, reason="Failed")
        DocumentPart.objects.filter(document=document).exclude(status=DocumentStatus.DONE).update(
            status=DocumentStatus.FAILED, lease_expires_at=None
        )
    files.leftovers_remove(organization_id=document.organization_id, document_id=document.pk)
    files.parts_remove(organization_id=document.organization_id, document_id=document.pk)
    logger.warning("Generated document %s failed: %s", document.pk, reason)
    return True


def _release(document: GeneratedDocument, reason: str) -> None:
    with transaction.atomic():
        current = _owned(document)
        if current is None:
            return
        current.status = DocumentStatus.QUEUED
        current.worker = ""
        current.lease_expires_at = None
        current.progress = 0
        current.enqueued_at = timezone.now()
        record_save(current, actor=None, reason=f"Will be tried again: {reason}")


def _finish(document: GeneratedDocument, *, name: str, size: int, sha256: str) -> bool:
    with transaction.atomic():
        current = _owned(document)
        if current is None:
            return False
        current.status = DocumentStatus.DONE
        current.progress = 100
        current.file.name = name
        current.size = size
        current.sha256 = sha256
        current.error = ""
        current.lease_expires_at = None
        current.finished_at = timezone.now()
        record_save(current, actor=None, reason="Built")
    return True


class _Progress:
    """The ``progress(percent)`` callback handed to builders: writes at most a few times a second."""

    def __init__(self, document: GeneratedDocument):
        self.document = document
        self.written = 0
        self.at = 0.0

    def __call__(self, percent) -> None:
        percent = max(0, min(99, int(percent)))
        now = time.monotonic()
        if percent == self.written or now - self.at < 0.25:
            return
        GeneratedDocument.objects.filter(
            pk=self.document.pk, status=DocumentStatus.RUNNING, attempts=self.document.attempts
        ).update(progress=percent, lease_expires_at=_lease_until())
        self.written, self.at = percent, now


class _LeaseKeeper(threading.Thread):
    """Renews the lease while a builder runs, even inside one long call (a big PDF
    layout) that reports no progress; stops with the process, so a dead worker's
    lease runs out. ``rows`` is the queryset whose lease it renews (by default the
    document's row while this attempt holds it; a part's row for a part task)."""

    def __init__(self, document: GeneratedDocument, rows=None):
        super().__init__(name=f"lease-{document.pk}", daemon=True)
        self.document = document
        self.rows = rows
        self.stopped = threading.Event()

    def _rows(self):
        if self.rows is not None:
            return self.rows
        return GeneratedDocument.objects.filter(
            pk=self.document.pk, status=DocumentStatus.RUNNING, attempts=self.document.attempts
        )

    def run(self):
        interval = max(1.0, settings.DOCUMENT_LEASE_SECONDS / 3)
        try:
            while not self.stopped.wait(interval):
                self._rows().update(lease_expires_at=_lease_until())
        except Exception:
            logger.exception("Could not renew the lease of generated document %s", self.document.pk)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)


TRANSIENT_ERRORS = (registry.TransientBuildError, OperationalError, InterfaceError)


class Ended(Exception):
    """The attempt is over (the document failed with a readable reason): ``outcome`` says how."""

    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome


def _out_of_memory(this: str) -> str:
    limit = settings.DOCUMENT_WORKER_MEMORY_LIMIT_MB
    within = f" (limit {limit} MiB per worker process)" if limit > 0 else ""
    return (
        f"Building {this} ran out of memory{within}. Narrow the request (fewer sections or records) "
        "and retry, or ask an administrator to raise DOCUMENT_WORKER_MEMORY_LIMIT_MB."
    )


def guarded(
    document, call, *, retries_left: bool, release, lease_rows=None, part: str = "", expect_bytes: bool = True
):
    """``call()``'s bytes, with the lease renewed meanwhile; every failure ends the
    document with a reason a person can read (``Ended``), or — for a passing failure
    while ``retries_left`` — ``release(reason)`` and ``RetryLater``. ``part`` names the
    part being rendered, for the reasons."""
    this = f"part “{part}” of this document" if part else "this document"
    named = f"part “{part}” of “{document.title}”" if part else f"“{document.title}”"
    keeper = _LeaseKeeper(document, lease_rows)
    keeper.start()
    try:
        content = call()
        if not expect_bytes:
            return content
        if not isinstance(content, bytes | bytearray):
            raise TypeError(f"{document.kind} returned {type(content).__name__}, not bytes")
        return bytes(content)
    except registry.DocumentBuildError as exc:
        _fail(document, f"{part}: {exc}" if part else str(exc))
        raise Ended("failed") from exc
    except MemoryError as exc:
        _fail(document, _out_of_memory(this))
        raise Ended("failed") from exc
    except SoftTimeLimitExceeded as exc:
        _fail(
            document,
            f"Building {this} took longer than the {settings.DOCUMENT_SOFT_TIME_LIMIT} s limit. "
            "Narrow the request (fewer sections or records) or ask an administrator to raise the limit.",
        )
        raise Ended("failed") from exc
    except TRANSIENT_ERRORS as exc:
        if retries_left:
            release(str(exc))
            raise RetryLater(str(exc)) from exc
        _fail(document, f"Building {this} kept failing for a passing reason and was given up: {exc}")
        raise Ended("failed") from exc
    except Exception as exc:
        logger.exception("Builder %s failed on generated document %s %s", document.kind, document.pk, part)
        _fail(
            document,
            f"Building {named} failed because of an unexpected error (document {document.pk}, "
            f"attempt {document.attempts}). The details are in the worker's log: retry, and tell an "
            "administrator if it fails again.",
        )
        raise Ended("failed") from exc
    finally:
        keeper.stop()


def store(document: GeneratedDocument, content: bytes) -> str:
    """Write the finished file atomically and mark the document done, if this attempt still holds it."""
    name = files.relative_name(
        organization_id=document.organization_id,
        document_id=document.pk,
        attempt=document.attempts,
        filename=document.filename,
    )
    size, sha256 = files.file_write_atomic(name, content)
    try:
        finished = _finish(document, name=name, size=size, sha256=sha256)
    except DatabaseError:
        files.leftovers_remove(organization_id=document.organization_id, document_id=document.pk)
        raise
    if not finished:
        # Another attempt took the row over (this one's lease ran out): its file wins.
        files.leftovers_remove(organization_id=document.organization_id, document_id=document.pk)
        return "skipped"
    files.leftovers_remove(organization_id=document.organization_id, document_id=document.pk, keep=name)
    files.parts_remove(organization_id=document.organization_id, document_id=document.pk)
    return "done"


def document_build(*, document_id: int, worker: str, retries_left: bool = False) -> str:
    """Build document ``document_id`` if it still needs building.

    Returns ``"done"``, ``"failed"``, ``"skipped"`` (already done or failed, being
    built by a live worker, or gone) or, for a kind built in parts with a long enough
    plan, ``"parts"`` (its parts were handed to the ``pdf`` queue: see
    ``documents.parts``). Raises ``RetryLater`` on a transient error while
    ``retries_left``; otherwise every error ends in ``failed`` with a reason a person
    can read, never in a row stuck ``running``.
    """
    document = _claim(document_id, worker)
    if document is None:
        return "skipped"
    files.leftovers_remove(organization_id=document.organization_id, document_id=document.pk)
    if document.attempts > settings.DOCUMENT_MAX_ATTEMPTS:
        _fail(
            document,
            f"The worker building this document stopped {document.attempts - 1} times before it finished "
            "(it may run out of memory or time on it). Ask an administrator to look at the worker's limits.",
        )
        return "failed"
    try:
        entry = registry.kind_get(document.kind)
    except registry.UnknownKind:
        _fail(document, f"This portal no longer knows how to build a “{document.kind}” document.")
        return "failed"

    def release(reason):
        _release(document, reason)

    try:
        if entry.parts is None:
            content = guarded(
                document,
                lambda: entry.builder(document, _Progress(document)),
                retries_left=retries_left,
                release=release,
            )
        else:
            planned = guarded(
                document,
                lambda: _plan(entry.parts, document),
                retries_left=retries_left,
                release=release,
                expect_bytes=False,
            )
            if settings.DOCUMENT_PARALLEL_PARTS and len(planned) >= entry.parts.parallel_from:
                from .parts import parts_dispatch

                return parts_dispatch(document, planned)
            content = guarded(
                document,
                lambda: entry.parts.build_here(document, _Progress(document), parts=planned),
                retries_left=retries_left,
                release=release,
            )
    except Ended as ended:
        return ended.outcome
    return store(document, content)


def _plan(parts: registry.Parts, document) -> list[registry.PlannedPart]:
    """The kind's plan for ``document``, checked."""
    planned = registry.planned(parts.plan(document))
    if not planned:
        raise registry.DocumentBuildError("There is nothing to put in this document.")
    keys = [part.key for part in planned]
    if len(set(keys)) != len(keys) or any(not isinstance(k, str) or not k or len(k) > 100 for k in keys):
        raise ValueError(f"{document.kind}: part keys must be unique, non-empty and at most 100 characters")
    return planned


def documents_recover() -> int:
    """Put back in the queue the documents whose build stopped with its worker
    (``running``, lease expired) and those queued so long ago that their message
    was probably lost; returns how many were enqueued again."""
    now = timezone.now()
    enqueued = 0
    orphans = GeneratedDocument.objects.filter(status=DocumentStatus.RUNNING, lease_expires_at__lt=now)
    for document_id in list(orphans.values_list("pk", flat=True)):
        with transaction.atomic():
            if not orphans.filter(pk=document_id).update(
                status=DocumentStatus.QUEUED, worker="", lease_expires_at=None, enqueued_at=now
            ):
                continue  # another worker's sweep took it
            document = GeneratedDocument.objects.get(pk=document_id)
            record_save(document, actor=None, reason="The worker building it stopped; queued again")
            _enqueue(document_id, document.kind)
        enqueued += 1
    stale = now - timedelta(seconds=settings.DOCUMENT_REQUEUE_AFTER_SECONDS)
    waiting = GeneratedDocument.objects.filter(status=DocumentStatus.QUEUED).filter(
        Q(enqueued_at__lt=stale) | Q(enqueued_at__isnull=True)
    )
    for document_id, kind in list(waiting.values_list("pk", "kind")):
        if waiting.filter(pk=document_id).update(enqueued_at=now):
            _enqueue(document_id, kind)
            enqueued += 1
    if enqueued:
        logger.info("Enqueued %s generated document(s) again", enqueued)
    from .parts import parts_recover  # the parts module builds on this one

    return enqueued + parts_recover()
