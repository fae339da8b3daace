"""With a real worker process (the embedded broker here, PostgreSQL + Redis in CI's second pass):
the pack is requested through the API, its parts are rendered by the worker's part tasks and
assembled, the job is polled until done and the download reads back with Acme's data only."""

import hashlib
import io

import pytest
from pypdf import PdfReader

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
