"""The one task that builds every generated document (routed to the ``pdf`` queue)."""

import os
import socket

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    name="documents.tasks.document_build",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.DOCUMENT_TRANSIENT_RETRIES,
    soft_time_limit=settings.DOCUMENT_SOFT_TIME_LIMIT,
    time_limit=settings.DOCUMENT_TIME_LIMIT,
    ignore_result=True,
)
def document_build(self, document_id: int) -> str:
    """Build generated document ``document_id`` (idempotent: see ``services.document_build``)."""
    worker = f"{self.request.hostname or socket.gethostname()}/{os.getpid()}"
    try:
        return services.document_build(
            document_id=document_id, worker=worker, retries_left=self.request.retries < self.max_retries
        )
    except services.RetryLater as exc:
        raise self.retry(countdown=min(300, 10 * 2**self.request.retries), exc=exc) from exc
