"""With a real worker process (the embedded broker here, PostgreSQL + Redis in CI's second
pass): the API request answers 202, the job is polled until done, the download's SHA-256
is the job's, and the PDF reads back with every control, its decision and status."""

import hashlib
import io
import json

import pytest
from pypdf import PdfReader

from soa import selectors, services
from soa.models import SoAVersion
from soa.versions import row_payload
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop, wait_for

from .test_pdf import assert_every_row_reads_back, decided_soa, pdftotext

pytestmark = pytest.mark.worker

ACME = "/api/v1/organizations/acme"


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """A worker writing to this test's media folder (the test process reads the same one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    process = celery_worker_start(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}, name="soa-pdf-worker")
    try:
        yield process
    finally:
        celery_worker_stop(process)


def test_the_version_pdf_is_built_by_a_worker_polled_and_downloaded(api_as, acme, alice, worker):
    decided_soa(acme, alice)
    version = services.soa_version_approve(organization=acme, actor=alice, change_summary="For the auditor")
    api = api_as(alice)
    response = api.post(f"{ACME}/soa-versions/{version.number}/pdf/")
    assert response.status_code == 202, response.content
    url = response.json()["url"]
    job = wait_for(
        lambda: (j := api.get(url).json())["status"] in ("done", "failed") and j,
        timeout=120,
        what="the worker to build the SoA PDF",
    )
    assert job["status"] == "done", job["error"]
    download = api.get(job["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job["sha256"] and len(content) == job["size"]

    payloads = [row_payload(row) for row in selectors.version_rows(version)]
    text = pdftotext(content)
    assert_every_row_reads_back(text, payloads)
    assert version.rows_sha256 in text and "For the auditor" in text
    attached = json.loads(PdfReader(io.BytesIO(content)).attachments["soa-rows.json"][0])
    assert attached["rows"] == payloads
    # Building wrote nothing to the frozen version.
    assert SoAVersion.objects.get(pk=version.pk).rows_sha256 == version.rows_sha256
