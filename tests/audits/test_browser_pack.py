"""The audit pack journey in a real browser: request the pack on the audit's page, go on working
elsewhere while it waits for a worker, come back and watch it build without reloading (a real
worker, started only then, so the progress is seen), download it and read it back."""

import hashlib
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from documents.models import DocumentStatus, GeneratedDocument
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop, sign_in

from .pack_world import acme_world

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.fixture
def start_worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    started = []
    # One-row parts: the build takes long enough for its progress to show.
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT), "AUDIT_PACK_ROWS_PER_PART": "1"}
    yield lambda: started.append(celery_worker_start(extra_env=env, name="pack-worker-browser"))
    for process in started:
        celery_worker_stop(process)


def test_a_pack_requested_on_the_audit_page_builds_while_one_works_elsewhere_and_downloads(
    page, acme, alice, audrey, carol, catalogues, start_worker
):
    world = acme_world(acme, alice, audrey, carol)
    audit = world["audit"]
    sign_in(page, "alice")
    page.goto(f"/o/acme/audits/{audit.pk}/")
    page.click("[data-testid=pack-link]")
    page.uncheck("[data-testid=pack-section-soa]")
    page.uncheck("[data-testid=pack-section-gap]")
    page.click("[data-testid=pack-request]")
    page.wait_for_load_state("networkidle")
    document = GeneratedDocument.objects.get(kind="audit_pack")
    pack_page = page.url.split("?")[0]
    expect(page.locator(f"#document-{document.pk} [data-testid=document-status]")).to_have_attribute(
        "data-status", "queued"
    )

    # Keep working: the risk register and a risk's page, while the pack waits in the queue.
    page.goto("/o/acme/risks/")
    page.get_by_role("link", name="Ransomware on the claims database").first.click()
    page.wait_for_url(f"**/o/acme/risks/{world['risks'][0].pk}/**")
    expect(page.get_by_text("Ransomware on the claims database").first).to_be_visible()

    page.goto(pack_page)
    status = page.locator(f"#document-{document.pk} [data-testid=document-status]")
    expect(status).to_have_attribute("data-status", "queued")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    start_worker()
    expect(status).to_have_attribute("data-status", "running", timeout=90_000)
    expect(status.locator("progress")).to_be_visible()
    expect(status).to_have_attribute("data-status", "done", timeout=180_000)
    assert navigations == []  # htmx swapped the status in: the page never reloaded
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    expect(status).to_contain_text(document.sha256)

    with page.expect_download() as download_info:
        status.locator("[data-testid=document-download]").click()
    content = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    assert audit.reference in text and "Risk register" in text and "Findings and corrective" in text
    assert all(risk.reference in text for risk in world["risks"]) and "Claims triage assistant" in text
