"""The audit pack journey in a real browser: request the pack on the audit's page, go on working
elsewhere while it waits for a worker, come back and watch it build without reloading (a real
worker, started only then, so the progress is seen), download it and read it back. And choosing
the sections and their order: with the keyboard alone (Move up / Move down and a typed position,
static/js/audit-pack.js), and without JavaScript (the position numbers)."""

import hashlib
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from audits.pack.build import SECTION_CODES
from documents.models import DocumentStatus, GeneratedDocument
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop, sign_in

from .pack_world import acme_world

pytestmark = pytest.mark.browser


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


@pytest.mark.worker
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


def _row_order(page) -> list[str]:
    return page.locator("[data-pack-section]").evaluate_all(
        "rows => rows.map(row => row.dataset.packSection)"
    )


def _positions(page) -> list[str]:
    return page.locator("[data-pack-position]").evaluate_all("inputs => inputs.map(input => input.value)")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.dataset.testid || ''")


def test_the_sections_are_ordered_and_chosen_with_the_keyboard_alone(page, alice, audit):
    sign_in(page, "alice")
    page.goto(f"/o/acme/audits/{audit.pk}/pack/")
    assert _row_order(page) == list(SECTION_CODES)

    # From the last section's tick, Tab reaches its position, then Move up (Move down is off: last).
    page.focus("[data-testid=pack-section-findings]")
    page.keyboard.press("Tab")
    assert _focused(page) == "pack-position-findings"
    page.keyboard.press("Tab")
    assert _focused(page) == "pack-up-findings"
    for _ in range(7):
        page.keyboard.press("Enter")
    # At the top Move up is off, so the focus stays in the row, on Move down; each move is announced.
    assert _focused(page) == "pack-down-findings"
    announce = page.locator("[data-pack-announce]")
    expect(announce).to_have_text("Findings and corrective actions: position 1 of 8.")
    page.keyboard.press("Space")  # Move down once, back to 2
    assert _row_order(page)[:3] == ["scope", "findings", "checklist"]
    assert _focused(page) == "pack-down-findings"
    page.keyboard.press("Shift+Tab")  # Move up is on again, just before
    assert _focused(page) == "pack-up-findings"
    page.keyboard.press("Enter")

    # A position typed in moves the row there; the numbers follow the rows.
    page.focus("[data-testid=pack-position-risks]")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    assert _row_order(page) == ["findings", "scope", "checklist", "soa", "assets", "impact", "gap", "risks"]
    assert _positions(page) == [str(n) for n in range(1, 9)]
    expect(announce).to_have_text("Risk register: position 8 of 8.")

    # Untick the SoA with Space and request with Enter.
    page.focus("[data-testid=pack-section-soa]")
    page.keyboard.press("Space")
    page.focus("[data-testid=pack-request]")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    document = GeneratedDocument.objects.get(kind="audit_pack")
    requested = ["findings", "scope", "checklist", "assets", "impact", "gap", "risks"]
    assert document.parameters["sections"] == requested
    expect(page.locator(f"#document-{document.pk} .pack-codes .badge")).to_have_text(requested)


def test_without_javascript_the_position_numbers_give_the_order(browser, live_server, alice, audit):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "alice")
    page.goto(f"/o/acme/audits/{audit.pk}/pack/")
    expect(page.locator("[data-pack-move]").first).to_be_hidden()
    for code in ("risks", "impact", "assets", "soa", "gap"):
        page.uncheck(f"[data-testid=pack-section-{code}]")
    page.fill("[data-testid=pack-position-findings]", "1")
    page.fill("[data-testid=pack-position-checklist]", "2")
    page.fill("[data-testid=pack-position-scope]", "3")
    page.click("[data-testid=pack-request]")
    page.wait_for_load_state("networkidle")
    document = GeneratedDocument.objects.get(kind="audit_pack")
    assert document.parameters["sections"] == ["findings", "checklist", "scope"]
    context.close()
