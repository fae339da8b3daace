"""A worker bootstep that re-enqueues documents whose build died with its worker.

The filesystem broker of the embedded mode deletes a message when a worker
fetches it, so a SIGKILLed worker's job is never redelivered; Redis redelivers
only after its visibility timeout. Each worker therefore sweeps, when it starts
and every ``DOCUMENT_RECOVERY_SECONDS``, for ``running`` documents whose lease
ran out (``documents.services.documents_recover``).
"""

import logging

from celery import bootsteps

logger = logging.getLogger(__name__)


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
