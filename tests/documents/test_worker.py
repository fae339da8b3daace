"""With real worker processes: a document is built in the background, and a worker
killed (SIGKILL) in the middle of one leaves no partial file; the job completes
once a worker is back. Runs on the embedded filesystem broker and on Redis."""

import hashlib
import signal

import pytest
from django.conf import settings as django_settings

from core.history import history_for
from documents import services
from documents.models import DocumentStatus, GeneratedDocument
from tests.conftest import wait_for

from .slow_builder import SLOW, slow_content

pytestmark = pytest.mark.worker


def _stored(media) -> list[str]:
    root = media / "documents"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _state(document_id):
    return GeneratedDocument.objects.get(pk=document_id)


def test_a_requested_document_is_built_by_the_worker(acme, alice, media, workers, worker_env):
    workers.start(worker_env, "doc-worker")
    document = services.document_request(organization=acme, actor=alice, kind=SLOW, parameters={"seconds": 1})
    done = wait_for(
        lambda: (d := _state(document.pk)).status in (DocumentStatus.DONE, DocumentStatus.FAILED) and d,
        timeout=90,
        what="the worker to build the document",
    )
    assert done.status == DocumentStatus.DONE, done.error
    content = (media / done.file.name).read_bytes()
    assert content == slow_content(document.pk)
    assert hashlib.sha256(content).hexdigest() == done.sha256
    assert done.size == len(content)
    assert done.attempts == 1
    assert done.worker.startswith("doc-worker-")


def test_a_worker_killed_mid_document_leaves_no_partial_file_and_the_job_completes_after_restart(
    acme, alice, media, workers, worker_env
):
    first = workers.start(worker_env, "doc-worker-killed")
    document = services.document_request(organization=acme, actor=alice, kind=SLOW, parameters={"seconds": 8})
    wait_for(
        lambda: (d := _state(document.pk)).status == DocumentStatus.RUNNING and d.progress >= 10,
        timeout=90,
        what="the build to be under way",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    orphan = _state(document.pk)
    assert orphan.status == DocumentStatus.RUNNING  # nobody said it finished: it did not
    assert orphan.attempts == 1
    assert not orphan.file
    assert _stored(media) == []  # no half-written file, no temporary part

    workers.start(worker_env, "doc-worker-restarted")
    done = wait_for(
        lambda: (d := _state(document.pk)).status in (DocumentStatus.DONE, DocumentStatus.FAILED) and d,
        timeout=120,
        what="the restarted worker to complete the document",
    )
    assert done.status == DocumentStatus.DONE, done.error
    assert done.attempts == 2
    assert done.worker.startswith("doc-worker-restarted-")
    content = (media / done.file.name).read_bytes()
    assert (
        hashlib.sha256(content).hexdigest()
        == done.sha256
        == hashlib.sha256(slow_content(done.pk)).hexdigest()
    )
    assert _stored(media) == [done.file.name.rsplit("/", 1)[-1]]
    assert "The worker building it stopped; queued again" in [e.reason for e in history_for(done)]


@pytest.mark.skipif(
    not django_settings.CELERY_BROKER_URL.startswith("redis"),
    reason="only Redis redelivers an unacknowledged message; the filesystem broker deletes it when fetched",
)
def test_redis_redelivers_the_job_of_a_killed_worker_without_any_sweep(
    acme, alice, media, workers, worker_env
):
    env = {**worker_env, "DOCUMENT_RECOVERY_SECONDS": "0", "CELERY_VISIBILITY_TIMEOUT": "4"}
    first = workers.start(env, "doc-worker-redis-killed")
    document = services.document_request(organization=acme, actor=alice, kind=SLOW, parameters={"seconds": 6})
    wait_for(
        lambda: (d := _state(document.pk)).status == DocumentStatus.RUNNING and d.progress >= 10,
        timeout=90,
        what="the build to be under way",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    workers.start(env, "doc-worker-redis-restarted")
    done = wait_for(
        lambda: (d := _state(document.pk)).status in (DocumentStatus.DONE, DocumentStatus.FAILED) and d,
        timeout=120,
        what="Redis to redeliver the job",
    )
    assert done.status == DocumentStatus.DONE, done.error
    assert done.attempts == 2
    assert "The worker building it stopped; queued again" not in [e.reason for e in history_for(done)]
    assert hashlib.sha256((media / done.file.name).read_bytes()).hexdigest() == done.sha256
