"""With real worker processes (the embedded broker here, PostgreSQL + Redis in CI's second pass):
the pack of every section is requested through the API, its parts are rendered by the worker's
part tasks and assembled, the job is polled until done and the download reads back with every
section and all of Acme's controls, risks and assets, and nothing of Globex; a worker on ``pdf``
alone builds an SoA PDF while a pack waits on ``packs``; a pack split into one-row parts on two
workers reads line for line as the pack of one part per register; a worker
SIGKILLed while a part renders leaves no half-written file and the pack completes after a restart."""

import hashlib
import io
import re
import signal

import pytest
from pypdf import PdfReader

from assets.models import Asset
from audits.pack import build
from audits.pack.requests import audit_pack_request
from documents import registry
from documents.models import DocumentPart, DocumentStatus, GeneratedDocument
from documents.services import document_request
from risks.models import Risk
from soa.documents import VERSION_PDF
from soa.models import SoAVersionRow
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
    response = api.post(
        f"{ACME}/audit-packs/",
        {"audit": world["audit"].pk, "sections": list(build.SECTION_CODES)},
        format="json",
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
    text = re.sub(r"\s+", " ", text)
    for section in build.SECTIONS:
        assert f"{section.title}" in text, section.code
    controls = list(world["version"].rows.values_list("reference", flat=True))
    assert len(controls) > 100
    missing = [ref for ref in controls if not re.search(rf"(?<![\w.]){re.escape(ref)}(?![\w.])", text)]
    assert not missing, missing
    risks = Risk.objects.for_organization(acme)
    assets = Asset.objects.for_organization(acme)
    assert all(risk.reference in text for risk in risks) and risks.count() == 2
    assert all(asset.identifier in text for asset in assets) and assets.count() == 2
    assert "Claims triage assistant" in text and "Ranks incoming claims for handlers." in text
    for other in ("Globex", "GLX-SRV-9", "orbital mainframe", "reactor meltdown", "secret audit"):
        assert other not in text


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
#: An SoA theme's header counts the theme's rows in the part ("· ISO/IEC 27001 · 37 controls").
THEME = re.compile(r" \u00b7 \d+ controls?$")


def _finished(document_id, what):
    return wait_for(
        lambda: (
            (d := GeneratedDocument.objects.get(pk=document_id)).status in (DocumentStatus.DONE, "failed")
            and d
        ),
        timeout=600,
        what=what,
    )


def _lines(content: bytes, first_page: int = 0) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [
        line.strip()
        for page in reader.pages[first_page:]
        for line in (page.extract_text() or "").splitlines()
        if line.strip()
    ]


def _repeated_by_every_part(document) -> set[str]:
    """The lines a run of rows prints whatever its rows (its table's header; for SoA rows the
    standard's title and the theme's header): what two runs of one row each have in common, for
    every register and, for SoA rows, every standard (each has its own title and crosswalk)."""
    chrome = set()
    for part in build.plan(document):
        if not (part.rows and part.key.split(":")[1].startswith("0-")):
            continue
        code = part.key.split(":")[0]
        groups = [list(part.rows)]
        if code == "soa":
            by_standard = {}
            rows = SoAVersionRow.objects.filter(pk__in=part.rows).order_by("position")
            for pk, framework in rows.values_list("pk", "framework"):
                by_standard.setdefault(framework, []).append(pk)
            groups = list(by_standard.values())
        for ids in groups:
            first = _lines(build.render(document, f"{code}:0-1", tuple(ids[:1])))
            second = _lines(build.render(document, f"{code}:1-2", tuple(ids[1:2])))
            chrome |= {line for line in first if line in second and not RUN.match(line)}
    return chrome


def _body_lines(content: bytes, chrome: set[str]) -> list[str]:
    """The pack's lines after the front matter, in order, each as often as printed, without page
    footers, run headings and the lines every run repeats (``_repeated_by_every_part``)."""
    reader = PdfReader(io.BytesIO(content))
    first = reader.get_destination_page_number(reader.outline[0])
    return [
        line
        for line in _lines(content, first)
        if " \u00b7 Page " not in line
        and not RUN.match(line)
        and not THEME.search(line)
        and line not in chrome
    ]


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
        document = audit_pack_request(organization=acme, actor=alice, audit=world["audit"])
    done = _finished(document.pk, "two workers to build the pack in one-row parts")
    assert done.status == DocumentStatus.DONE, done.error
    parts = DocumentPart.objects.filter(document=done)
    assert {part.key for part in parts} >= {"risks:0-1", "risks:1-2", "assets:0-1", "assets:1-2", "soa:1-2"}
    assert {part.worker.split("-")[2] for part in parts} == {"a", "b"}  # both workers rendered parts
    split = (settings.MEDIA_ROOT / done.file.name).read_bytes()

    settings.AUDIT_PACK_ROWS_PER_PART = 1000  # one part per register, rendered here in turn
    whole = registry.kind_get(build.KIND)
    single = whole.parts.build_here(done)
    assert len(whole.parts.plan(done)) < parts.count()
    chrome = _repeated_by_every_part(done)
    lines = _body_lines(single, chrome)
    for section in build.SECTIONS:
        assert any(section.title in line for line in lines), section.code
    assert world["risks"][0].reference in " ".join(lines) and "Claims triage assistant" in " ".join(lines)
    assert _body_lines(split, chrome) == lines


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
