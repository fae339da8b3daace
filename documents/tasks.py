"""The tasks that build generated documents: the one build task of every document, and
for a kind built in parts (decision 0014) the task rendering one part and the one
assembling them. They are sent to their kind's queue (``registry.queue_for``): ``pdf``,
or the audit pack's own ``packs``."""

import os
import socket

from celery import shared_task
from django.conf import settings

from . import parts, services

DOCUMENT_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": settings.DOCUMENT_TRANSIENT_RETRIES,
    # Per task, so a part or an assembly has the whole limit to itself.
    "soft_time_limit": settings.DOCUMENT_SOFT_TIME_LIMIT,
    "time_limit": settings.DOCUMENT_TIME_LIMIT,
    "ignore_result": True,
}


def _worker(request) -> str:
    return f"{request.hostname or socket.gethostname()}/{os.getpid()}"


def _backoff(retries: int) -> int:
    return min(300, 10 * 2**retries)


@shared_task(name="documents.tasks.document_build", **DOCUMENT_TASK)
def document_build(self, document_id: int) -> str:
    """Build generated document ``document_id`` (idempotent: see ``services.document_build``)."""
    try:
        return services.document_build(
            document_id=document_id,
            worker=_worker(self.request),
            retries_left=self.request.retries < self.max_retries,
        )
    except services.RetryLater as exc:
        raise self.retry(countdown=_backoff(self.request.retries), exc=exc) from exc


@shared_task(name="documents.tasks.document_part_build", **DOCUMENT_TASK)
def document_part_build(self, part_id: int) -> str:
    """Render one part of a document built in parts (idempotent: see ``parts.part_build``)."""
    try:
        return parts.part_build(
            part_id=part_id,
            worker=_worker(self.request),
            retries_left=self.request.retries < self.max_retries,
        )
    except services.RetryLater as exc:
        raise self.retry(countdown=_backoff(self.request.retries), exc=exc) from exc


@shared_task(name="documents.tasks.document_assemble", **DOCUMENT_TASK)
def document_assemble(self, document_id: int) -> str:
    """Merge the parts of a document built in parts (idempotent: see ``parts.document_assemble``)."""
    try:
        return parts.document_assemble(
            document_id=document_id,
            worker=_worker(self.request),
            retries_left=self.request.retries < self.max_retries,
        )
    except services.RetryLater as exc:
        raise self.retry(countdown=_backoff(self.request.retries), exc=exc) from exc
