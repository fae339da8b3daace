"""With real worker processes (the embedded broker here, PostgreSQL + Redis in CI's second pass):
the pack is requested through the API, its parts are rendered by the worker's part tasks and
assembled, the job is polled until done and the download reads back with Acme's data only; a pack
split into one-row parts on two workers reads as the pack of one part per register; a worker
SIGKILLed while a part renders leaves no half-written file and the pack completes after a restart."""

import hashlib
import io
import re
import signal

import pytest
from pypdf import PdfReader

from audits.pack import build
from audits.pack.requests import audit_pack_request
from documents import registry
from documents.models import DocumentPart, DocumentStatus, GeneratedDocument
from documents.services import document_request
from soa.documents import VERSION_PDF
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop, wait_for

from .pack_world import acme_world, globex_world

pytestmark = pytest.mark.worker

ACME = "/api/v1/organizations/acme"


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    process = celery_worker_start(
        extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}, name="audit-pack-worker"
    )
    try:
        yield process
    finally:
        celery_worker_stop(process)


def test_a_worker_builds_the_pack_in_parts(
    api_as, acme, alice, audrey, carol, globex, charlie, catalogues, worker
):
    world = acme_world(acme, alice, audrey, carol)
    globex_world(globex, charlie)
    api = api_as(alice)
    sections = ["scope", "risks", "assets", "findings"]
    response = api.post(
        f"{ACME}/audit-packs/", {"audit": world["audit"].pk, "sections": sections}, format="json"
    )
    assert response.status_code == 202, response.content
    job = wait_for(
        lambda: (j := api.get(response.json()["url"]).json())["status"] in ("done", "failed") and j,
        timeout=240,
        what="the worker to build the audit pack",
    )
    assert job["status"] == "done", job["error"]
    download = api.get(job["download_url"])
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job["sha256"]
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    for title in (
        "Audit scope, objectives and team",
        "Risk register",
        "Asset inventory",
        "Findings and corrective",
    ):
        assert title in text
    assert "Claims triage assistant" in text and world["risks"][0].reference in text
    assert "Globex" not in text


def test_a_small_pdf_is_built_while_a_pack_waits_on_its_own_queue(
    acme, alice, audrey, carol, catalogues, transactional_db, settings, tmp_path,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    world = acme_world(acme, alice, audrey, carol)
    celery_queues_purge()
    with django_capture_on_commit_callbacks(execute=True):
        pack = audit_pack_request(organization=acme, actor=alice, audit=world["audit"], sections=["scope"])
        soa = document_request(
            organization=acme, actor=alice, kind=VERSION_PDF, parameters={"version": world["version"].number}
        )
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    pdf_only = celery_worker_start(extra_env=env, name="pdf-only-worker", queues=("default", "pdf"))
    try:
        done = _finished(soa.pk, "the pdf worker to build the SoA PDF")
        assert done.status == DocumentStatus.DONE, done.error
        pack.refresh_from_db()
        assert (pack.status, pack.attempts) == (DocumentStatus.QUEUED, 0)  # not even claimed
    finally:
        celery_worker_stop(pdf_only)

    packs_only = celery_worker_start(extra_env=env, name="packs-only-worker", queues=("packs",))
    try:
        built = _finished(pack.pk, "the packs worker to build the waiting pack")
        assert built.status == DocumentStatus.DONE, built.error
        assert built.worker.startswith("packs-only-worker-")
    finally:
        celery_worker_stop(packs_only)


@pytest.fixture
def pack_workers(transactional_db, settings, tmp_path):
    """Starts workers whose packs are cut into one-row parts, with short leases; stops them all."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    env = {
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "AUDIT_PACK_ROWS_PER_PART": "1",
        "DOCUMENT_LEASE_SECONDS": "3",
        "DOCUMENT_RECOVERY_SECONDS": "1",
    }
    started = []

    def start(name):
        started.append(celery_worker_start(extra_env=env, name=name))
        return started[-1]

    yield start
    for process in started:
        celery_worker_stop(process)


SECTIONS = ["scope", "risks", "assets", "findings"]
#: The heading of a run of rows ("Risks 2-2", en dash): the one line that depends on the cut.
RUN = re.compile(r"^(Risks|Assets|AI systems|SoA rows) [\d,]+\u2013[\d,]+$")


def _finished(document_id, what):
    return wait_for(
        lambda: (
            (d := GeneratedDocument.objects.get(pk=document_id)).status in (DocumentStatus.DONE, "failed")
            and d
        ),
        timeout=240,
        what=what,
    )


def _body_lines(content: bytes) -> list[str]:
    """The pack's lines after the front matter, each once in order of first appearance, without
    page footers and run headings (a table header repeats on every part and every page)."""
    reader = PdfReader(io.BytesIO(content))
    first = reader.get_destination_page_number(reader.outline[0])
    lines = [
        line.strip()
        for page in reader.pages[first:]
        for line in (page.extract_text() or "").splitlines()
        if line.strip() and " \u00b7 Page " not in line and not RUN.match(line.strip())
    ]
    return list(dict.fromkeys(lines))


def _files_in(media, document) -> set[str]:
    folder = media / "documents" / str(document.organization_id)
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_a_pack_split_on_two_workers_reads_as_the_pack_of_one_part_per_register(
    acme, alice, audrey, carol, catalogues, pack_workers, settings, django_capture_on_commit_callbacks
):
    world = acme_world(acme, alice, audrey, carol)
    pack_workers("pack-worker-a")
    pack_workers("pack-worker-b")
    with django_capture_on_commit_callbacks(execute=True):
        document = audit_pack_request(organization=acme, actor=alice, audit=world["audit"], sections=SECTIONS)
    done = _finished(document.pk, "two workers to build the pack in one-row parts")
    assert done.status == DocumentStatus.DONE, done.error
    parts = DocumentPart.objects.filter(document=done)
    assert {part.key for part in parts} >= {"risks:0-1", "risks:1-2", "assets:0-1", "assets:1-2"}
    assert {part.worker.split("-")[2] for part in parts} == {"a", "b"}  # both workers rendered parts
    split = (settings.MEDIA_ROOT / done.file.name).read_bytes()

    settings.AUDIT_PACK_ROWS_PER_PART = 1000  # one part per register, rendered here in turn
    whole = registry.kind_get(build.KIND)
    single = whole.parts.build_here(done)
    assert len(whole.parts.plan(done)) < parts.count()
    lines = _body_lines(single)
    assert world["risks"][0].reference in " ".join(lines) and "Claims triage assistant" in " ".join(lines)
    assert _body_lines(split) == lines


def test_a_worker_killed_mid_pack_leaves_no_half_written_file_and_the_pack_completes_after_restart(
    acme, alice, audrey, carol, catalogues, pack_workers, settings, django_capture_on_commit_callbacks
):
    world = acme_world(acme, alice, audrey, carol)
    first = pack_workers("pack-worker-killed")
    with django_capture_on_commit_callbacks(execute=True):
        document = audit_pack_request(organization=acme, actor=alice, audit=world["audit"], sections=SECTIONS)
    running = wait_for(
        lambda: DocumentPart.objects.filter(document=document, status=DocumentStatus.RUNNING).first(),
        timeout=120,
        what="a part of the pack to be rendering",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    running.refresh_from_db()
    assert running.status == DocumentStatus.RUNNING and not running.file
    finished = {p.file.rsplit("/", 1)[-1] for p in DocumentPart.objects.filter(document=document) if p.file}
    assert _files_in(settings.MEDIA_ROOT, document) == finished  # no half-written part, no temporary
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.RUNNING

    pack_workers("pack-worker-restarted")
    done = _finished(document.pk, "the restarted worker to complete the pack")
    assert done.status == DocumentStatus.DONE, done.error
    content = (settings.MEDIA_ROOT / done.file.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == done.sha256
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]
    text = " ".join(pages)
    assert all(risk.reference in text for risk in world["risks"]) and "Claims triage assistant" in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert DocumentPart.objects.get(pk=running.pk).worker.startswith("pack-worker-restarted-")
    assert _files_in(settings.MEDIA_ROOT, done) == {done.file.name.rsplit("/", 1)[-1]}  # parts cleared
