"""A document built in parts (decision 0014) by 1, 2 and 4 worker processes: one
``celery worker -Q pdf --concurrency N`` (prefork, as the pdf-worker of docker-compose
runs), on the configured database and broker — PostgreSQL and Redis for the figures
in docs/performance.md. The kind is the tests' ``test_parts``: each part waits
``SECONDS`` (the queries of a real section) then lays out a table of ``ROWS`` rows
with WeasyPrint; the assembly merges them with one TOC and continuous page numbers.
Time is from the request to ``done``, as a person waiting for it sees it."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARTS, ROWS, SECONDS = 16, 150, 0.5
PROCESSES = (1, 2, 4)
ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = (
        f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else (f"{db['USER']}@" if db["USER"] else "")
    )
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(processes: int, media: str, log: Path) -> subprocess.Popen:
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": media,
        "GRC_DOCUMENT_EXTRA_BUILDERS": "tests.documents.parts_builder",
        "DJANGO_SETTINGS_MODULE": "grc_portal.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "grc_portal", "worker", "-Q", "pdf"]
    command += [
        "--pool",
        "prefork",
        "--concurrency",
        str(processes),
        "--hostname",
        f"bench-parts-{processes}@%h",
    ]
    with open(log, "w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _build(organization, actor, parameters: dict, timeout: float = 600) -> tuple[float, object]:
    from documents import services
    from documents.models import DocumentStatus, GeneratedDocument

    started = time.perf_counter()
    document = services.document_request(
        organization=organization, actor=actor, kind="test_parts", parameters=parameters
    )
    while time.perf_counter() - started < timeout:
        document = GeneratedDocument.objects.get(pk=document.pk)
        if document.status in (DocumentStatus.DONE, DocumentStatus.FAILED):
            break
        time.sleep(0.2)
    if document.status != DocumentStatus.DONE:
        raise RuntimeError(f"test_parts ended {document.status}: {document.error}")
    return time.perf_counter() - started, document


def run():
    from django.contrib.auth import get_user_model
    from django.db import connection

    import tests.documents.parts_builder  # noqa: F401 — the kind, in this process too
    from core.roles import Role
    from documents.models import DocumentPart
    from organizations.models import Membership, Organization

    organization = Organization.objects.create(name="Benchmark Parts Ltd", slug="bench-parts")
    officer = get_user_model().objects.create_user(username="bench-parts-officer")
    Membership.objects.create(organization=organization, user=officer, role=Role.COMPLIANCE_OFFICER)
    parameters = {"parts": PARTS, "rows": ROWS, "seconds": SECONDS}
    figures = [("database, broker", f"{connection.vendor}, {_broker()}")]
    baseline = None
    with tempfile.TemporaryDirectory(prefix="grc-bench-parts-") as media:
        for processes in PROCESSES:
            worker = _worker(processes, media, ROOT / "var" / f"bench-parts-{processes}.log")
            try:
                _build(
                    organization, officer, {**parameters, "parts": processes, "rows": 5, "seconds": 0}
                )  # warm-up
                elapsed, document = _build(organization, officer, parameters)
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=60)
            baseline = baseline or elapsed
            rows = list(DocumentPart.objects.filter(document=document))
            hosts = len({p.worker.split("/")[-1] for p in rows})
            parts_done = max(p.finished_at for p in rows)
            rendering = (parts_done - min(p.started_at for p in rows)).total_seconds()
            assembling = (document.finished_at - parts_done).total_seconds()
            figures.append(
                (
                    f"{PARTS} parts x {ROWS} rows, {processes} worker process(es)",
                    f"{elapsed:6.1f} s  speed-up x{baseline / elapsed:.2f}  (parts {rendering:.1f} s by "
                    f"{hosts} processes, assembly {assembling:.1f} s; {document.size / 1024:,.0f} KiB; "
                    f"load average {os.getloadavg()[0]:.1f})",
                )
            )
    figures.append(("CPU cores on this machine", str(os.cpu_count())))
    return "Document built in parts by several workers", figures


def _broker() -> str:
    from django.conf import settings

    return settings.CELERY_BROKER_URL.split("://", 1)[0]
