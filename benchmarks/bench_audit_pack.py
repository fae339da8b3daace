"""The audit pack of a 10,000-asset / 5,000-risk organization (docs/decisions/0015), built by real workers.

Seeds the organization with the bulk services (the asset benchmark's inventory, 5,000 risks with
controls through ``risk_bulk_create``), approves its SoA and starts a combined audit. Then, for 1, 2
and 4 worker processes, starts the ``pack-worker`` of docker-compose.yml (``celery worker -Q packs
--concurrency N``, prefork, the same memory and time limits) on this database and broker, requests
the pack through the service as the page and the API do (``audit_pack_request``) and polls the
document row until it is done: wall time from the request to ``done``, the speed-up over one
process, and each worker process's peak RSS (``VmHWM``, sampled from /proc while it builds).

Run it on PostgreSQL + Redis (``DATABASE_URL``, ``CELERY_BROKER_URL``): the embedded filesystem
broker of SQLite works too, but SQLite serialises the workers' writes.
"""

import contextlib
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

RISKS = 5_000
CONCURRENCY = (1, 2, 4)
#: A pack that takes longer than this counts as failed (the target is 60 s on 2 workers).
TIMEOUT = 900
ROOT = Path(__file__).resolve().parent.parent


def _risks(organization, officer, owners, assets):
    from controls.models import Control
    from risks.services.bulk import RiskDraft, risk_bulk_create

    rng = random.Random(11)
    controls = list(Control.objects.filter(framework__code__in=["iso27001-2022", "iso42001-2023"]))
    drafts = []
    for n in range(1, RISKS + 1):
        ai = n % 5 == 0
        drafts.append(
            RiskDraft(
                values={
                    "title": f"{'AI' if ai else 'Security'} benchmark risk {n}",
                    "category": "ai" if ai else "information_security",
                    "threat": "" if ai else "Ransomware",
                    "vulnerability": "" if ai else "Unpatched servers",
                    "affects_availability": not ai,
                    "ai_harm_area": "fairness_bias" if ai else "",
                    "owner": rng.choice(owners),
                    "inherent_likelihood": rng.randint(1, 5),
                    "inherent_impact": rng.randint(1, 5),
                    "treatment": "modify",
                    "treatment_plan": "Patch within 14 days; monitor the alerts.",
                    "status": "assessed",
                    "next_review_date": datetime.date(2100, 1, 1),
                },
                assets=rng.sample(assets, 2),
                controls=rng.sample(controls, 3),
            )
        )
    for start in range(0, RISKS, 1000):
        risk_bulk_create(organization=organization, actor=officer, drafts=drafts[start : start + 1000])


def _audit(organization, officer):
    import datetime

    from audits import services
    from soa import services as soa_services
    from soa.models import SoAEntry

    SoAEntry.objects.for_organization(organization).update(applicable=True, status="partial")
    soa_services.soa_version_approve(organization=organization, actor=officer, change_summary="Benchmark")
    today = datetime.date.today()
    audit = services.audit_plan(
        organization=organization,
        actor=officer,
        values={
            "title": "Benchmark combined audit",
            "frameworks": ["iso27001-2022", "iso42001-2023"],
            "planned_start": today,
            "planned_end": today + datetime.timedelta(days=5),
            "lead_auditor": officer,
        },
        team=(),
    )
    return services.audit_start(audit=audit, actor=officer)


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else (f"{user}@" if user else "")
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_start(concurrency: int, log: Path) -> subprocess.Popen:
    """docker-compose.yml's ``pack-worker`` command with ``concurrency`` processes."""
    from audits.pack.build import QUEUE

    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "grc_portal.settings"}
    command = [
        sys.executable, "-m", "celery", "-A", "grc_portal", "worker", "-Q", QUEUE,
        "--concurrency", str(concurrency), "--max-tasks-per-child", "10",
        "--max-memory-per-child", "1500000", "--time-limit", "900", "--loglevel", "INFO",
        "--hostname", f"bench-pack-{concurrency}-{os.getpid()}@%h",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while " ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"The worker did not start: see {log}")
        time.sleep(0.2)
    return process


def _worker_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _phases(document) -> str:
    """Where the time went, from the rows: request → first part started, the parts phase
    (first part started → last part done), and the assembly (last part done → document done)."""
    from django.db.models import Max, Min

    span = document.parts.aggregate(first=Min("started_at"), last=Max("finished_at"))
    if not (span["first"] and span["last"] and document.finished_at):
        return ""
    return (
        f"; dispatch {(span['first'] - document.requested_at).total_seconds():.1f} s, "
        f"parts {(span['last'] - span['first']).total_seconds():.1f} s, "
        f"assembly {(document.finished_at - span['last']).total_seconds():.1f} s"
    )


def _build(organization, officer, audit, concurrency: int, log: Path):
    """Wall seconds from the request to ``done``, the final status, each pool process's peak RSS
    (KiB) and the CPU seconds the pool processes spent (sampled, so a recycled process's last
    fraction of a second may be missed)."""
    from audits.pack.requests import audit_pack_request
    from documents.models import FINISHED, GeneratedDocument

    process = _worker_start(concurrency, log)
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    try:
        started = time.perf_counter()
        document = audit_pack_request(organization=organization, actor=officer, audit=audit)
        status = "queued"
        while time.perf_counter() - started < TIMEOUT:
            for pid in _children(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), _peak_kib(pid))
                cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
            status = GeneratedDocument.objects.filter(pk=document.pk).values_list("status", flat=True)[0]
            if status in FINISHED:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        document.refresh_from_db()
        detail = f"{status}, {document.size / 1024 / 1024:.1f} MiB" if status == "done" else status
        if status == "failed":
            detail += f": {document.error}"
        detail += _phases(document)
    finally:
        _worker_stop(process)
    return elapsed, detail, peaks, sum(cpu.values())


def run():
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from assets.models import Asset
    from audits.pack.build import KIND, QUEUE
    from benchmarks.bench_assets import ASSET_COUNT, _inventory
    from controls.models import Framework
    from controls.services import catalogues_load
    from core.roles import Role
    from documents.models import GeneratedDocument
    from documents.registry import kind_get
    from grc_portal.celery import app
    from organizations.models import Membership
    from organizations.services import organization_create

    if Framework.objects.count() < 2:
        catalogues_load()
    users = get_user_model().objects
    officer = users.create_user(username="bench-pack-officer", first_name="Olga", last_name="Officer")
    # Through the service: the organization gets its risk methodology and SoA rows.
    organization = organization_create(name="Benchmark Audit Pack Ltd", creator=officer)
    owners = [officer, *(users.create_user(username=f"bench-pack-owner-{n}") for n in range(4))]
    for user in owners[1:]:
        Membership.objects.create(organization=organization, user=user, role=Role.COMPLIANCE_OFFICER)
    seeded = time.perf_counter()
    _inventory(organization, owners)
    assets = list(Asset.objects.for_organization(organization).only("pk", "organization_id")[:2000])
    _risks(organization, officer, owners, assets)
    audit = _audit(organization, officer)
    probe = GeneratedDocument(organization=organization, kind=KIND, parameters={"audit": audit.pk})
    keys = kind_get(KIND).parts.plan(probe)
    figures = [
        (
            "seeded",
            f"{ASSET_COUNT:,} assets, {RISKS:,} risks, SoA v1, audit of "
            f"{audit.items.count()} items in {time.perf_counter() - seeded:.0f} s",
        ),
        ("parts in the plan", f"{len(keys)}"),
        ("load average before", " ".join(f"{n:.2f}" for n in os.getloadavg())),
    ]
    with app.connection_for_write() as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_purge(QUEUE)  # a queue that does not exist has nothing to purge
    logs = Path(settings.DATA_DIR)
    first = None
    for concurrency in CONCURRENCY:
        elapsed, detail, peaks, cpu = _build(
            organization, officer, audit, concurrency, logs / f"worker-{concurrency}.log"
        )
        first = first or elapsed
        figures.append(
            (
                f"{concurrency} worker process{'es' if concurrency > 1 else ''}",
                f"{elapsed:6.1f} s request to done ({detail}; speed-up {first / elapsed:.2f}x), "
                f"{cpu:.0f} s CPU in the pool processes, load {os.getloadavg()[0]:.2f}",
            )
        )
        busy = sorted((kib for kib in peaks.values() if kib), reverse=True)[:concurrency]
        figures.append(("  peak RSS per process", ", ".join(f"{kib / 1024:.0f} MiB" for kib in busy)))
    return "Audit pack", figures
