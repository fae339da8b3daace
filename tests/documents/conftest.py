import pytest

from documents import services
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop

from . import parts_builder, slow_builder  # noqa: F401 — registers the test kinds in this process too


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test writes its files to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def request_document(django_capture_on_commit_callbacks):
    """``request_document(org, user, kind, parameters)``: a queued document, its enqueue captured."""

    def _request(organization, actor, kind, parameters=None):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            document = services.document_request(
                organization=organization, actor=actor, kind=kind, parameters=parameters or {}
            )
        assert len(callbacks) == 1
        return document

    return _request


@pytest.fixture
def worker_env(media):
    return {
        "MEDIA_ROOT": str(media),
        "GRC_DOCUMENT_EXTRA_BUILDERS": "tests.documents.slow_builder,tests.documents.parts_builder",
        "DOCUMENT_LEASE_SECONDS": "3",
        "DOCUMENT_RECOVERY_SECONDS": "1",
    }


@pytest.fixture
def workers(transactional_db, settings):
    """Starts workers on demand (``workers.start(**env)``) and stops every one at the end."""
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    started = []

    class Workers:
        def start(self, env, name, **options):
            process = celery_worker_start(extra_env=env, name=name, **options)
            started.append(process)
            return process

    yield Workers()
    for process in started:
        celery_worker_stop(process)
