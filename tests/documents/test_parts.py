"""Documents built in parts (decision 0014), in-process: planned into part rows, each
part claimed and rendered by its own task, the last one to finish enqueuing the
assembly, which merges them; failures, lost parts and retries. The real workers are
in ``test_parts_workers.py``."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from core.history import history_for
from documents import parts, registry, services
from documents.models import DocumentPart, DocumentPhase, DocumentStatus, GeneratedDocument
from documents.tasks import document_assemble, document_build, document_part_build

from .parts_builder import PARTS


@pytest.fixture
def sent(monkeypatch):
    """What would go to the broker: ``sent["parts"]`` (part ids), ``sent["assemble"]`` (document ids)."""
    record = {"parts": [], "assemble": []}
    monkeypatch.setattr(parts, "_send_parts", lambda ids, kind: record["parts"].extend(ids))
    monkeypatch.setattr(
        parts, "_send_assemble", lambda document_id, kind: record["assemble"].append(document_id)
    )
    return record


def _text(media, document) -> list[str]:
    return [
        page.extract_text() for page in PdfReader(io.BytesIO((media / document.file.name).read_bytes())).pages
    ]


def _run_parts(django_capture_on_commit_callbacks, part_ids):
    for part_id in part_ids:
        with django_capture_on_commit_callbacks(execute=True):
            assert document_part_build(part_id) == "done"


def test_a_kind_takes_a_builder_or_parts_never_both_nor_neither():
    kind = registry.kind_get(PARTS)
    with pytest.raises(ValueError, match="exactly one"):
        registry.register(
            "test_both", lambda d, p: b"", parts=kind.parts, title="x", content_type="x", filename="x"
        )
    with pytest.raises(ValueError, match="exactly one"):
        registry.register("test_neither", title="x", content_type="x", filename="x")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(PARTS, lambda d, p: b"", title="x", content_type="x", filename="x")


def test_with_parallel_parts_off_one_worker_renders_the_parts_in_turn(
    acme, alice, media, settings, request_document
):
    settings.DOCUMENT_PARALLEL_PARTS = False
    document = request_document(acme, alice, PARTS, {"parts": 3, "rows": 5})
    assert document_build(document.pk) == "done"
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and document.phase == DocumentPhase.WHOLE
    assert not DocumentPart.objects.filter(document=document).exists()
    pages = _text(media, document)
    assert "SECTION-003-0005" in pages[-1] and f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_parts_are_rendered_by_their_own_tasks_and_the_last_one_enqueues_the_assembly(
    acme, alice, media, settings, request_document, sent, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_PARALLEL_PARTS = False
    whole = request_document(acme, alice, PARTS, {"parts": 3, "rows": 30})
    document_build(whole.pk)
    whole.refresh_from_db()

    settings.DOCUMENT_PARALLEL_PARTS = True
    document = request_document(acme, alice, PARTS, {"parts": 3, "rows": 30})
    with django_capture_on_commit_callbacks(execute=True):
        assert document_build(document.pk) == "parts"
    rows = list(DocumentPart.objects.filter(document=document))
    assert [(p.key, p.position, p.status) for p in rows] == [
        (f"section-00{n}", n - 1, DocumentStatus.QUEUED) for n in (1, 2, 3)
    ]
    assert sent["parts"] == [p.pk for p in rows]
    document.refresh_from_db()
    assert (document.status, document.phase, document.progress) == (DocumentStatus.RUNNING, "parts", 5)
    assert document.lease_expires_at is None  # its parts hold leases, not the document

    _run_parts(django_capture_on_commit_callbacks, sent["parts"][:2])
    document.refresh_from_db()
    assert document.progress == 5 + 85 * 2 // 3 and sent["assemble"] == []
    assert document_part_build(sent["parts"][0]) == "skipped"  # a duplicate message renders nothing
    _run_parts(django_capture_on_commit_callbacks, sent["parts"][2:])
    assert sent["assemble"] == [document.pk]
    document.refresh_from_db()
    assert document.phase == DocumentPhase.ASSEMBLE

    assert document_assemble(document.pk) == "done"
    assert document_assemble(document.pk) == "skipped"
    document.refresh_from_db()
    content = (media / document.file.name).read_bytes()
    assert document.status == DocumentStatus.DONE and document.progress == 100
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    assert _text(media, document) == _text(media, whole)  # same pages, same numbers, same TOC
    assert not (media / "documents" / str(acme.pk) / f"parts-{document.pk}").exists()
    part = DocumentPart.objects.filter(document=document).first()
    assert part.status == DocumentStatus.DONE and part.attempts == 1 and part.sha256
    reasons = [entry.reason for entry in history_for(document)]
    assert "Split into 3 parts; 3 to render on the pdf queue" in reasons and "Built" in reasons


def test_a_failed_part_fails_the_document_with_its_reason_naming_the_part(
    acme, alice, media, request_document, sent, django_capture_on_commit_callbacks
):
    document = request_document(acme, alice, PARTS, {"parts": 3, "rows": 5, "fail": "section-002"})
    with django_capture_on_commit_callbacks(execute=True):
        document_build(document.pk)
    _run_parts(django_capture_on_commit_callbacks, sent["parts"][:1])
    assert document_part_build(sent["parts"][1]) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.error == "section-002: This section cannot be printed: its source was withdrawn."
    assert document_part_build(sent["parts"][2]) == "skipped"  # the document has moved on
    assert not (media / "documents" / str(acme.pk) / f"parts-{document.pk}").exists()
    assert sent["assemble"] == []


def test_a_part_that_keeps_killing_its_worker_fails_the_document_after_the_bounded_attempts(
    acme, alice, settings, request_document, sent, django_capture_on_commit_callbacks
):
    document = request_document(acme, alice, PARTS, {"parts": 2, "rows": 5})
    with django_capture_on_commit_callbacks(execute=True):
        document_build(document.pk)
    first = DocumentPart.objects.get(pk=sent["parts"][0])
    first.status, first.attempts = DocumentStatus.RUNNING, settings.DOCUMENT_MAX_ATTEMPTS
    first.lease_expires_at = timezone.now() - timedelta(seconds=1)  # its worker died
    first.save()
    assert document_part_build(first.pk) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert (
        f"part “section-001” of this document stopped {settings.DOCUMENT_MAX_ATTEMPTS} times"
        in document.error
    )


def test_recovery_sends_again_a_part_whose_worker_died_and_a_rerun_renders_only_what_is_missing(
    acme, alice, media, request_document, sent, django_capture_on_commit_callbacks
):
    document = request_document(acme, alice, PARTS, {"parts": 3, "rows": 5})
    with django_capture_on_commit_callbacks(execute=True):
        document_build(document.pk)
    first, second, third = sent["parts"]
    _run_parts(django_capture_on_commit_callbacks, [first])
    # The second part's worker was killed mid-render: its lease has run out.
    DocumentPart.objects.filter(pk=second).update(
        status=DocumentStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    sent["parts"].clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_recover() == 1
    assert sent["parts"] == [second]
    assert DocumentPart.objects.get(pk=second).status == DocumentStatus.QUEUED

    # A new build attempt (its assembler died, say) keeps the first part's file and renders the rest.
    rendered = DocumentPart.objects.get(pk=first)
    GeneratedDocument.objects.filter(pk=document.pk).update(lease_expires_at=timezone.now() - timedelta(1))
    sent["parts"].clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert document_build(document.pk) == "parts"
    assert sent["parts"] == [second, third]
    assert DocumentPart.objects.get(pk=first).file == rendered.file
    _run_parts(django_capture_on_commit_callbacks, [second, third])
    assert document_assemble(document.pk) == "done"
    assert DocumentPart.objects.get(pk=second).attempts == 2


def test_a_part_whose_file_was_lost_is_rendered_again_before_the_assembly(
    acme, alice, media, request_document, sent, django_capture_on_commit_callbacks
):
    document = request_document(acme, alice, PARTS, {"parts": 2, "rows": 5})
    with django_capture_on_commit_callbacks(execute=True):
        document_build(document.pk)
    _run_parts(django_capture_on_commit_callbacks, list(sent["parts"]))
    lost = DocumentPart.objects.get(pk=sent["parts"][1])
    (media / lost.file).write_bytes(b"%PDF-1.7 damaged" + b"x" * (lost.size - 16))
    sent["parts"].clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert document_assemble(document.pk) == "parts"
    assert sent["parts"] == [lost.pk]
    _run_parts(django_capture_on_commit_callbacks, [lost.pk])
    assert document_assemble(document.pk) == "done"


def test_retrying_a_failed_document_plans_it_afresh(
    acme, alice, request_document, sent, django_capture_on_commit_callbacks
):
    document = request_document(acme, alice, PARTS, {"parts": 2, "rows": 5, "fail": "section-001"})
    with django_capture_on_commit_callbacks(execute=True):
        document_build(document.pk)
    assert document_part_build(sent["parts"][0]) == "failed"
    document.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        services.document_retry(document=document, actor=alice)
    assert not DocumentPart.objects.filter(document=document).exists()
    document.refresh_from_db()
    assert (document.status, document.phase) == (DocumentStatus.QUEUED, DocumentPhase.WHOLE)


def test_part_and_assembly_tasks_go_to_the_pdf_queue_each_with_its_own_time_limits(settings):
    for task in (document_part_build, document_assemble):
        assert settings.CELERY_TASK_ROUTES[task.name] == {"queue": "pdf"}
        assert task.acks_late is True and task.reject_on_worker_lost is True
        assert 0 < task.soft_time_limit < task.time_limit
