"""Documents built in parts by several workers (``registry.Parts``, decision 0014).

``services.document_build`` claims the document as for any build, then
``parts_dispatch`` writes one ``DocumentPart`` row per key of the plan and sends one
``documents.tasks.document_part_build`` per part still to render, as a Celery group
on the kind's queue (``pdf``, ``packs`` for the audit pack). Each part task claims
its row with a conditional update (lease, attempts), renders, writes the bytes
atomically into the document's parts folder and marks the row done. The part task
that finds every part done wins a conditional update of the document (phase
``parts`` → ``assemble``) and enqueues ``documents.tasks.document_assemble``, which
merges the parts in plan order and stores the file like any build. The database is
the join, not a chord: results are ignored and the embedded broker has no result
backend.

While its parts render, the document has no lease of its own (its parts have);
``parts_recover`` — run by every worker's recovery bootstep — puts parts whose lease
ran out back in the queue, re-sends parts and assemblies whose message was probably
lost, and assembles a document whose last part finished without enqueuing it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path

from celery import current_app, group
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.services import record_save

from . import files, registry
from .models import DocumentPart, DocumentPhase, DocumentStatus, GeneratedDocument
from .services import (
    Ended,
    _fail,
    _lease_until,
    _owned,
    guarded,
    store,
)

logger = logging.getLogger(__name__)

PART_TASK = "documents.tasks.document_part_build"
ASSEMBLE_TASK = "documents.tasks.document_assemble"

#: Progress of a document built in parts: its parts fill 5 to 90 %, the assembly the rest.
PARTS_FROM, PARTS_TO, ASSEMBLING = 5, 90, 92


def _progress(done: int, total: int) -> int:
    return PARTS_FROM + (PARTS_TO - PARTS_FROM) * done // max(1, total)


def _send_parts(part_ids: list[int], kind: str) -> None:
    if not part_ids:
        return
    queue = registry.queue_for(kind)
    try:
        group(
            current_app.signature(PART_TASK, args=[part_id], queue=queue) for part_id in part_ids
        ).apply_async()
    except Exception:
        # The rows stay queued; parts_recover sends them again later.
        logger.exception("Could not enqueue parts %s", part_ids)


def _send_assemble(document_id: int, kind: str) -> None:
    try:
        current_app.send_task(ASSEMBLE_TASK, args=[document_id], queue=registry.queue_for(kind))
    except Exception:
        logger.exception("Could not enqueue the assembly of generated document %s", document_id)


def _part_file_intact(part: DocumentPart) -> bool:
    path = Path(settings.MEDIA_ROOT) / part.file
    return bool(part.file) and path.is_file() and path.stat().st_size == part.size


def parts_dispatch(document: GeneratedDocument, planned: list[registry.PlannedPart]) -> str:
    """Plan ``document`` (claimed by this build attempt) in ``planned`` parts and hand those
    still to render to its kind's queue. Parts rendered by an earlier attempt under the
    same keys, whose file is still there, are kept, and so are the rows every part of that
    plan was given: a re-run renders only what is missing, from the first plan's rows."""
    now = timezone.now()
    keys = [part.key for part in planned]
    with transaction.atomic():
        current = _owned(document)
        if current is None:
            return "skipped"
        existing = list(DocumentPart.objects.filter(document=current).order_by("position"))
        if [part.key for part in existing] != keys:
            DocumentPart.objects.filter(document=current).delete()
            files.parts_remove(organization_id=current.organization_id, document_id=current.pk)
            DocumentPart.objects.bulk_create(
                DocumentPart(
                    document=current, key=part.key, rows=list(part.rows), position=position, enqueued_at=now
                )
                for position, part in enumerate(planned)
            )
        else:
            lost = [p.pk for p in existing if p.status == DocumentStatus.DONE and not _part_file_intact(p)]
            DocumentPart.objects.filter(document=current).filter(
                ~Q(status=DocumentStatus.DONE) | Q(pk__in=lost)
            ).update(
                status=DocumentStatus.QUEUED, worker="", lease_expires_at=None, error="", enqueued_at=now
            )
        pending = list(
            DocumentPart.objects.filter(document=current)
            .exclude(status=DocumentStatus.DONE)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        current.phase = DocumentPhase.PARTS
        current.lease_expires_at = None
        current.progress = _progress(len(keys) - len(pending), len(keys))
        record_save(
            current,
            actor=None,
            reason=f"Split into {len(keys)} parts; {len(pending)} to render on the "
            f"{registry.queue_for(current.kind)} queue",
        )
        if pending:
            transaction.on_commit(lambda: _send_parts(pending, current.kind))
        else:
            transaction.on_commit(lambda: _assemble_if_ready(current.pk))
    return "parts"


def _assemble_if_ready(document_id: int) -> bool:
    """If every part of the document is done, move it to its assembly (exactly one
    caller wins the conditional update) and enqueue it; True for the winner."""
    parts = DocumentPart.objects.filter(document_id=document_id)
    if not parts.exists() or parts.exclude(status=DocumentStatus.DONE).exists():
        return False
    with transaction.atomic():
        won = GeneratedDocument.objects.filter(
            pk=document_id, status=DocumentStatus.RUNNING, phase=DocumentPhase.PARTS
        ).update(
            phase=DocumentPhase.ASSEMBLE,
            lease_expires_at=None,
            enqueued_at=timezone.now(),
            progress=ASSEMBLING,
        )
        if won:
            kind = GeneratedDocument.objects.values_list("kind", flat=True).get(pk=document_id)
            transaction.on_commit(lambda: _send_assemble(document_id, kind))
    return bool(won)


# --- One part ---------------------------------------------------------------------


def _claim_part(part_id: int, worker: str) -> DocumentPart | None:
    now = timezone.now()
    claimable = Q(status=DocumentStatus.QUEUED) | (
        Q(status=DocumentStatus.RUNNING) & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
    )
    claimed = (
        DocumentPart.objects.filter(pk=part_id)
        .filter(claimable)
        .filter(document__status=DocumentStatus.RUNNING, document__phase=DocumentPhase.PARTS)
        .update(
            status=DocumentStatus.RUNNING,
            worker=worker[:255],
            lease_expires_at=_lease_until(),
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
            error="",
        )
    )
    if not claimed:
        logger.info(
            "Part %s not rendered here: done, held by a live worker, or its document moved on", part_id
        )
        return None
    return DocumentPart.objects.select_related(
        "document", "document__organization", "document__requested_by"
    ).get(pk=part_id)


def _part_rows(part: DocumentPart):
    """The part's row while this attempt holds it."""
    return DocumentPart.objects.filter(pk=part.pk, status=DocumentStatus.RUNNING, attempts=part.attempts)


def _part_failed(part: DocumentPart, reason: str) -> None:
    _part_rows(part).update(status=DocumentStatus.FAILED, error=reason, lease_expires_at=None)


def part_build(*, part_id: int, worker: str, retries_left: bool = False) -> str:
    """Render part ``part_id`` if it still needs rendering; ``"done"``, ``"failed"`` or ``"skipped"``.

    A part that keeps killing its worker is given up after ``DOCUMENT_MAX_ATTEMPTS``
    renders, and any failure of a part fails its document with a reason naming the
    part. Raises ``RetryLater`` on a transient error while ``retries_left``.
    """
    part = _claim_part(part_id, worker)
    if part is None:
        return "skipped"
    document = part.document
    if part.attempts > settings.DOCUMENT_MAX_ATTEMPTS:
        reason = (
            f"The worker rendering part “{part.key}” of this document stopped {part.attempts - 1} times "
            "before it finished (it may run out of memory or time on it). "
            "Ask an administrator to look at the worker's limits."
        )
        _part_failed(part, reason)
        _fail(document, reason)
        return "failed"
    try:
        entry = registry.kind_get(document.kind)
    except registry.UnknownKind:
        _fail(document, f"This portal no longer knows how to build a “{document.kind}” document.")
        return "failed"
    if entry.parts is None:
        _fail(document, f"A “{document.kind}” document is no longer built in parts: retry it.")
        return "failed"

    def release(reason):
        _part_rows(part).update(
            status=DocumentStatus.QUEUED, worker="", lease_expires_at=None, enqueued_at=timezone.now()
        )

    try:
        content = guarded(
            document,
            lambda: entry.parts.render(document, part.key, tuple(part.rows)),
            retries_left=retries_left,
            release=release,
            lease_rows=_part_rows(part),
            part=part.key,
        )
    except Ended as ended:
        # Failing the document failed its unfinished parts already; this one keeps the reason.
        DocumentPart.objects.filter(pk=part.pk, attempts=part.attempts, status=DocumentStatus.FAILED).update(
            error=GeneratedDocument.objects.filter(pk=document.pk).values_list("error", flat=True)[0]
        )
        return ended.outcome

    name = files.part_relative_name(
        organization_id=document.organization_id,
        document_id=document.pk,
        position=part.position,
        key=part.key,
        attempt=part.attempts,
    )
    size, sha256 = files.file_write_atomic(name, content)
    finished = _part_rows(part).update(
        status=DocumentStatus.DONE,
        file=name,
        size=size,
        sha256=sha256,
        lease_expires_at=None,
        finished_at=timezone.now(),
    )
    if not finished:
        # Another attempt took the part over (this one's lease ran out): its file wins.
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
        return "skipped"
    parts = DocumentPart.objects.filter(document_id=document.pk)
    done, total = parts.filter(status=DocumentStatus.DONE).count(), parts.count()
    if not GeneratedDocument.objects.filter(
        pk=document.pk, status=DocumentStatus.RUNNING, phase=DocumentPhase.PARTS
    ).update(progress=_progress(done, total)):
        # Another part failed the document meanwhile: nothing will assemble this one.
        files.parts_remove(organization_id=document.organization_id, document_id=document.pk)
        return "done"
    if done == total:
        _assemble_if_ready(document.pk)
    return "done"


# --- The assembly -----------------------------------------------------------------


def _claim_assembly(document_id: int, worker: str) -> GeneratedDocument | None:
    claimed = GeneratedDocument.objects.filter(
        pk=document_id,
        status=DocumentStatus.RUNNING,
        phase=DocumentPhase.ASSEMBLE,
        lease_expires_at__isnull=True,
    ).update(lease_expires_at=_lease_until(), worker=worker[:255])
    if not claimed:
        logger.info("Generated document %s not assembled here: done, failed or being assembled", document_id)
        return None
    return GeneratedDocument.objects.select_related("organization", "requested_by").get(pk=document_id)


def document_assemble(*, document_id: int, worker: str, retries_left: bool = False) -> str:
    """Merge the rendered parts of ``document_id`` in plan order and store the file.

    ``"done"``, ``"failed"``, ``"skipped"``, or ``"parts"`` when a part's file was
    missing or damaged: that part is rendered again and the assembly follows it.
    """
    document = _claim_assembly(document_id, worker)
    if document is None:
        return "skipped"
    try:
        entry = registry.kind_get(document.kind)
    except registry.UnknownKind:
        entry = None
    if entry is None or entry.parts is None:
        _fail(document, f"This portal no longer knows how to build a “{document.kind}” document in parts.")
        return "failed"

    parts = list(DocumentPart.objects.filter(document=document).order_by("position"))
    rendered, damaged = [], []
    for part in parts:
        content = (Path(settings.MEDIA_ROOT) / part.file).read_bytes() if _part_file_intact(part) else None
        if content is None or hashlib.sha256(content).hexdigest() != part.sha256:
            damaged.append(part.pk)
        else:
            rendered.append((part.key, content))
    if damaged or not parts:
        return _render_again(document, damaged)

    def release(reason):
        GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.RUNNING).update(
            lease_expires_at=None
        )

    try:
        content = guarded(
            document,
            lambda: entry.parts.assemble(document, rendered),
            retries_left=retries_left,
            release=release,
        )
    except Ended as ended:
        return ended.outcome
    GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.RUNNING).update(progress=97)
    return store(document, content)


def _render_again(document: GeneratedDocument, part_ids: list[int]) -> str:
    logger.warning(
        "Generated document %s: parts %s lost their files; rendering them again", document.pk, part_ids
    )
    now = timezone.now()
    with transaction.atomic():
        DocumentPart.objects.filter(pk__in=part_ids).update(
            status=DocumentStatus.QUEUED,
            file="",
            size=None,
            sha256="",
            lease_expires_at=None,
            enqueued_at=now,
        )
        GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.RUNNING).update(
            phase=DocumentPhase.PARTS, lease_expires_at=None
        )
        transaction.on_commit(lambda: _send_parts(part_ids, document.kind))
    return "parts"


# --- Recovery ---------------------------------------------------------------------


def parts_recover() -> int:
    """Send again the parts whose worker died (lease run out) or whose message was
    probably lost, and the assemblies never enqueued or never picked up; returns how
    many tasks were sent."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DOCUMENT_REQUEUE_AFTER_SECONDS)
    active = Q(document__status=DocumentStatus.RUNNING, document__phase=DocumentPhase.PARTS)
    sent: dict[str, list[int]] = {}
    orphans = DocumentPart.objects.filter(active, status=DocumentStatus.RUNNING, lease_expires_at__lt=now)
    waiting = DocumentPart.objects.filter(active, status=DocumentStatus.QUEUED).filter(
        Q(enqueued_at__lt=stale) | Q(enqueued_at__isnull=True)
    )
    for rows, changes in (
        (orphans, {"status": DocumentStatus.QUEUED, "worker": "", "lease_expires_at": None}),
        (waiting, {}),
    ):
        for part_id, kind in list(rows.values_list("pk", "document__kind")):
            if rows.filter(pk=part_id).update(enqueued_at=now, **changes):
                sent.setdefault(kind, []).append(part_id)  # another worker's sweep did not take it first
    for kind, part_ids in sent.items():
        _send_parts(part_ids, kind)

    assembled = 0
    finished_parts = GeneratedDocument.objects.filter(
        status=DocumentStatus.RUNNING, phase=DocumentPhase.PARTS
    ).exclude(parts__status__in=[DocumentStatus.QUEUED, DocumentStatus.RUNNING, DocumentStatus.FAILED])
    for document_id in list(finished_parts.values_list("pk", flat=True).distinct()):
        assembled += _assemble_if_ready(document_id)
    lost = GeneratedDocument.objects.filter(
        status=DocumentStatus.RUNNING,
        phase=DocumentPhase.ASSEMBLE,
        lease_expires_at__isnull=True,
        enqueued_at__lt=stale,
    )
    for document_id, kind in list(lost.values_list("pk", "kind")):
        if lost.filter(pk=document_id).update(enqueued_at=now):
            _send_assemble(document_id, kind)
            assembled += 1
    resent = sum(len(part_ids) for part_ids in sent.values())
    if resent or assembled:
        logger.info("Sent %s part(s) and %s assembly(ies) of generated documents again", resent, assembled)
    return resent + assembled
