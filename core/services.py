from django.db import models
from django.utils import timezone

from core.types import Actor

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> None:
    """Note that the worker ``hostname`` is alive now."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen": timezone.now()})


#: What the history table holds of a reason (simple-history's ``history_change_reason``).
REASON_MAX_LENGTH = 100


def history_reason(reason: str) -> str:
    """``reason`` as the history keeps it: cut, with an ellipsis, when longer than the column."""
    reason = (reason or "").strip()
    if len(reason) <= REASON_MAX_LENGTH:
        return reason
    return reason[: REASON_MAX_LENGTH - 1].rstrip() + "…"


def record_save(
    instance: models.Model, *, actor: Actor, reason: str = "", update_fields: list[str] | None = None
):
    """Save ``instance`` so that its history names ``actor`` and ``reason``.

    Services use this instead of a bare ``save()`` so that the history is right
    outside a request too (API, imports, Celery tasks, management commands).
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = history_reason(reason)
    instance.save(update_fields=update_fields)
    return instance


def record_delete(instance: models.Model, *, actor: Actor, reason: str = "") -> None:
    """Delete ``instance`` so that its history names ``actor`` and ``reason``.

    Records that others depend on are deleted through ``core.deletion`` instead,
    which says first what the delete affects.
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = history_reason(reason)
    instance.delete()
