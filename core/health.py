"""What ``/healthz`` reports: the database, the broker and the workers."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from grc_portal.celery import app as celery_app

from .models import WorkerHeartbeat


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok", "engine": connection.vendor}
    except Exception as exc:  # any failure here is what the check reports
        return {"status": "error", "error": str(exc)[:200]}


def _check_broker() -> dict:
    transport = settings.CELERY_BROKER_URL.split("://", 1)[0]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"status": "ok", "transport": transport}
    except Exception as exc:
        return {"status": "error", "transport": transport, "error": str(exc)[:200]}


def _check_workers() -> dict:
    # A worker writes a heartbeat every WORKER_HEARTBEAT_SECONDS; three missed
    # beats mean it is gone.
    fresh_after = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    try:
        alive = list(
            WorkerHeartbeat.objects.filter(last_seen__gte=fresh_after).values_list("hostname", flat=True)
        )
    except Exception as exc:
        return {"status": "error", "error": str(exc)[:200]}
    return {"status": "ok" if alive else "down", "alive": alive}


def health_report() -> tuple[dict, bool]:
    """The report and whether the web process can serve (database and broker up).

    A missing worker degrades the portal (background jobs wait) but does not
    make the web process unhealthy, so it does not fail the check.
    """
    checks = {"database": _check_database(), "broker": _check_broker(), "worker": _check_workers()}
    healthy = checks["database"]["status"] == "ok" and checks["broker"]["status"] == "ok"
    status = "ok" if healthy and checks["worker"]["status"] == "ok" else ("degraded" if healthy else "error")
    return {"status": status, "checks": checks}, healthy
