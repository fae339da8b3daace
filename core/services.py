from django.db import models
from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> None:
    """Note that the worker ``hostname`` is alive now."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen": timezone.now()})


def record_save(instance: models.Model, *, actor, reason: str = "", update_fields: list[str] | None = None):
    """Save ``instance`` so that its history names ``actor`` and ``reason``.

    Services use this instead of a bare ``save()`` so that the history is right
    outside a request too (API, imports, Celery tasks, management commands).
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save(update_fields=update_fields)
    return instance


def record_delete(instance: models.Model, *, actor, reason: str = "") -> None:
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.delete()
