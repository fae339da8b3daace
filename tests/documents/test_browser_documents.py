"""The journey: request a document on the documents page, watch it finish without
reloading (a real worker builds it), download it."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from documents.models import DocumentStatus, GeneratedDocument
from tests.conftest import sign_in
from tests.factories import AISystemFactory, AssetFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_a_requested_register_turns_done_without_reloading_and_downloads(
    page, acme, alice, workers, worker_env
):
    AssetFactory(organization=acme, owner=alice, name="Acme web server", identifier="AST-0001")
    AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")
    workers.start(worker_env, "doc-worker-browser")
    sign_in(page, "alice")
    page.goto("/o/acme/documents/")
    expect(page.get_by_text("No generated documents yet")).to_be_visible()

    page.select_option("[data-testid=document-kind]", "asset_inventory_pdf")
    page.click("[data-testid=document-request]")
    page.wait_for_load_state("networkidle")
    document = GeneratedDocument.objects.get()
    row = page.locator(f"#document-{document.pk}")
    expect(row).to_contain_text("Asset inventory register")
    expect(row).to_contain_text("Alice Archer")

    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    status = row.locator("[data-testid=document-status]")
    expect(status).to_have_attribute("data-status", "done", timeout=90_000)
    assert navigations == []  # htmx swapped the status in: the page never reloaded
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    expect(status).to_contain_text(document.sha256)

    with page.expect_download() as download_info:
        row.locator("[data-testid=document-download]").click()
    download = download_info.value
    assert download.suggested_filename == document.filename
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
