"""What every worker runs for generated documents: a bootstep that re-enqueues documents
whose build died with its worker, and a memory limit on each pool process.

The filesystem broker of the embedded mode deletes a message when a worker
fetches it, so a SIGKILLed worker's job is never redelivered; Redis redelivers
only after its visibility timeout. Each worker therefore sweeps, when it starts
and every ``DOCUMENT_RECOVERY_SECONDS``, for ``running`` documents whose lease
ran out (``documents.services.documents_recover``).
"""

import logging
import resource

from celery import bootsteps

logger = logging.getLogger(__name__)


def memory_limit_set(limit_mb: int) -> None:
    """Cap this process's data (heap and private mappings: ``RLIMIT_DATA``) at ``limit_mb`` MiB;
    0 leaves it alone. Past it an allocation fails with ``MemoryError`` inside the task, which
    fails the document or part with a reason (``services.guarded``), where Celery's
    ``--max-memory-per-child`` only recycles a process after its task has ended and the
    kernel's OOM killer takes the whole worker with no reason at all."""
    if limit_mb <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = limit_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    logger.info("Worker process data limited to %s MiB", limit // (1024 * 1024))


def worker_process_memory_limit(**kwargs) -> None:
    """``worker_process_init`` handler: each prefork pool process gets the limit (the solo pool
    of the tests and the main process, which only hands out tasks, do not)."""
    from django.conf import settings

    memory_limit_set(settings.DOCUMENT_WORKER_MEMORY_LIMIT_MB)


def _sweep():
    from django.db import close_old_connections

    from .services import documents_recover

    close_old_connections()
    try:
        documents_recover()
    except Exception:
        logger.exception("Could not recover generated documents")


class DocumentRecovery(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        if settings.DOCUMENT_RECOVERY_SECONDS <= 0:
            return  # recovery left to the broker alone (a test of Redis's redelivery does this)
        _sweep()
        self.tref = worker.timer.call_repeatedly(settings.DOCUMENT_RECOVERY_SECONDS, _sweep)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
