"""The end of journey 3 in a real browser: on an approved version's page, ask for the PDF,
see a real worker finish it without reloading, download it and read every row back."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from soa import selectors, services
from soa.versions import row_payload
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop, sign_in

from .test_pdf import assert_every_row_reads_back, decided_soa, pdftotext

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.fixture
def pdf_worker(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    process = celery_worker_start(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}, name="soa-pdf-browser")
    try:
        yield process
    finally:
        celery_worker_stop(process)


def test_an_officer_builds_the_version_pdf_and_downloads_it_without_reloading(
    page, acme, alice, catalogues, pdf_worker
):
    decided_soa(acme, alice)
    version = services.soa_version_approve(organization=acme, actor=alice, change_summary="For the auditor")
    sign_in(page, "alice")
    page.goto(f"/o/acme/soa/versions/{version.number}/")
    block = page.locator("[data-testid=soa-version-pdf]")
    expect(block).to_contain_text("PDF for the auditor")

    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    block.locator("[data-testid=soa-version-pdf-build]").click()
    status = page.locator("[data-testid=soa-version-pdf] [data-testid=document-status]")
    expect(status).to_have_attribute("data-status", "done", timeout=120_000)
    assert navigations == []  # the request and the status both came by htmx

    with page.expect_download() as download_info:
        page.locator("[data-testid=soa-version-pdf] [data-testid=document-download]").click()
    content = Path(download_info.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    document = selectors_latest_document(acme, version)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert_every_row_reads_back(pdftotext(content), [row_payload(r) for r in selectors.version_rows(version)])


def selectors_latest_document(organization, version):
    from soa.documents import soa_version_documents

    return soa_version_documents(organization, version).first()
