"""Every page and API list at scale, on PostgreSQL, through gunicorn, against its target.

    DATABASE_URL=postgres://… python -m benchmarks.scale [--assets 10000 --risks 5000 --seed 7]
        [--repeat 30] [--load-seconds 60] [--clients 20] [--only WORD] [--no-load]

``make bench-scale`` runs it. It seeds the organization ``scale-<seed>-1``
(``portal.scale_seed``) in the configured database when it is missing — the
database is kept, so later runs measure at once — starts gunicorn with two
workers and ``DEBUG=false`` on a free loopback port, signs in as the seeded
compliance officer (a session for the pages, a token for the API), then:

- times each case ``--repeat`` times (after two warm-up requests) and prints
  the median and the p95 beside the target, ``MISS`` where the p95 is over it;
- for the asset and risk API lists, runs a raw-SQL ``json_agg`` query
  returning the same rows (the floor) interleaved with the API requests, and
  prints the ratio of the medians (target ≤ 3x);
- runs a load probe: ``--clients`` threads for ``--load-seconds`` each on the
  asset API and on the risk register page (throughput, p95, errors).

Every request goes to 127.0.0.1 only; each loop is bounded in count and time.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_TARGET_MS = 300
API_TARGET_MS = 150
API_500_TARGET_MS = 1000
FLOOR_RATIO_TARGET = 3.0
LOAD_RPS_TARGET = 40
LOAD_P95_TARGET_MS = 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Client:
    port: int
    headers: dict = field(default_factory=dict)

    def get(self, path: str) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **self.headers})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return response.status, body, (time.perf_counter() - started) * 1000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: The server's key when none is set; ``_prepare`` signs the session with the same one.
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"  # noqa: S105 — loopback only


def _server_environment() -> dict:
    environment = dict(os.environ)
    environment.update(
        DEBUG="false",
        SECRET_KEY=environment.get("SECRET_KEY") or BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        BEHIND_TLS_PROXY="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return environment


def _start_server(port: int, data_dir: Path) -> subprocess.Popen:
    environment = _server_environment()
    environment["STATIC_ROOT"] = str(data_dir / "static")
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True
    )
    gunicorn = Path(python).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "grc_portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / "gunicorn.log", "w"),  # noqa: SIM115 — closed with the process
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Client(port).get("/healthz")[0] in (200, 503):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn did not answer; see {data_dir / 'gunicorn.log'}")


def _stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# --- The organization ----------------------------------------------------------


def _prepare(args):
    """Seed (when missing) and answer the organization, its officer, a session key and a token."""
    import django

    # The session's auth hash is signed with SECRET_KEY: the server's, not the embedded one.
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.db import connection

    from api_tokens.services import api_token_create
    from controls.models import Framework
    from organizations.models import Organization
    from portal.scale_seed import scale_seed

    if connection.vendor != "postgresql":
        raise SystemExit("benchmarks.scale measures PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", "--noinput", verbosity=0)
    if Framework.objects.count() < 2:
        call_command("load_catalogues", verbosity=0)
    slug = f"scale-{args.seed}-1"
    if not Organization.objects.filter(slug=slug).exists():
        started = time.perf_counter()
        scale_seed(orgs=1, assets=args.assets, risks=args.risks, seed=args.seed, stdout=sys.stdout)
        print(f"seeded {slug} in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    organization = Organization.objects.get(slug=slug)
    officer = organization.memberships.get(user__username=f"{slug}-officer").user
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(officer.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    store.create()
    issued = api_token_create(
        user=officer, name="benchmarks.scale", organization=organization, read_only=True
    )
    return organization, officer, store.session_key, issued.secret, settings.SESSION_COOKIE_NAME


def _sizes(organization) -> dict:
    from assets.models import AI_KINDS, Asset, AssetRelation
    from core.audit_trail import _records, trail_kinds
    from risks.models import Risk, RiskAsset, RiskControl, TreatmentAction

    sizes = {
        "assets": Asset.objects.for_organization(organization).count(),
        "AI assets": Asset.objects.for_organization(organization).filter(kind__in=AI_KINDS).count(),
        "relations": AssetRelation.objects.for_organization(organization).count(),
        "risks": Risk.objects.for_organization(organization).count(),
        "risk-asset links": RiskAsset.objects.for_organization(organization).count(),
        "risk-control links": RiskControl.objects.for_organization(organization).count(),
        "treatment actions": TreatmentAction.objects.for_organization(organization).count(),
    }
    sizes["history rows"] = sum(_records(model, organization).count() for model in trail_kinds().values())
    return sizes


# --- Floors: one raw SQL query answering the same rows as JSON ---------------------


def _asset_floor_sql() -> str:
    from django.contrib.auth import get_user_model

    from assets.models import (
        AI_KINDS,
        RELATION_INVERSE_LABELS,
        Asset,
        AssetGroup,
        AssetRelation,
        RelationType,
    )

    asset, relation, user = (
        Asset._meta.db_table,
        AssetRelation._meta.db_table,
        get_user_model()._meta.db_table,
    )
    brief = "json_build_object('id', o.id, 'identifier', o.identifier, 'name', o.name, 'kind', o.kind)"
    ai_kinds = ", ".join(f"'{kind}'" for kind in sorted(AI_KINDS))
    group = f"CASE WHEN a.kind IN ({ai_kinds}) THEN '{AssetGroup.AI}' ELSE '{AssetGroup.INFORMATION}' END"

    def label(labels) -> str:  # the relation's label as the API writes it, by type
        whens = " ".join(f"WHEN '{kind}' THEN '{text}'" for kind, text in labels.items())
        return f"CASE r.type {whens} END"

    outgoing = label({kind: str(text) for kind, text in RelationType.choices})
    incoming = label({kind: str(text) for kind, text in RELATION_INVERSE_LABELS.items()})
    # Table names come from the models, the labels and kinds from their constants (no quote in
    # them); every value is a parameter.
    return f"""
SELECT json_build_object('count', (SELECT count(*) FROM {asset} WHERE organization_id = %(org)s),
  'results', coalesce(json_agg(row_to_json(t)), '[]'::json))::text
FROM (
  SELECT a.id, a.identifier, a.name, a.kind, {group} AS "group", a.description, u.username AS owner,
    trim(u.first_name || ' ' || u.last_name) AS owner_name, c.username AS custodian, a.location,
    a.classification, a.confidentiality, a.integrity, a.availability, a.criticality, a.lifecycle_status,
    a.tags, a.ai_role, a.ai_model_type, a.ai_vendor, a.ai_version, a.ai_intended_purpose,
    a.ai_data_provenance, a.ai_data_licence, a.ai_personal_data, a.ai_automation_level,
    a.ai_human_oversight, a.ai_risk_class, a.ai_lifecycle_stage,
    (SELECT coalesce(json_agg(x), '[]'::json) FROM (
       SELECT json_build_object('id', r.id, 'type', r.type, 'label', {outgoing}, 'direction', 'outgoing',
         'note', r.note, 'asset', {brief}) AS x
       FROM {relation} r JOIN {asset} o ON o.id = r.target_id WHERE r.source_id = a.id
       UNION ALL
       SELECT json_build_object('id', r.id, 'type', r.type, 'label', {incoming}, 'direction', 'incoming',
         'note', r.note, 'asset', {brief})
       FROM {relation} r JOIN {asset} o ON o.id = r.source_id WHERE r.target_id = a.id) rel) AS relations,
    a.created_at, a.updated_at
  FROM {asset} a JOIN {user} u ON u.id = a.owner_id LEFT JOIN {user} c ON c.id = a.custodian_id
  WHERE a.organization_id = %(org)s
  ORDER BY a.name, a.id LIMIT %(limit)s
) t"""  # noqa: S608


def _risk_floor_sql(where: str = "") -> str:
    """Every field the risk API answers, as the API shapes it (``_check_floor`` holds them
    equal before a case is timed; ``tests/test_benchmark_floors.py`` too); the parameters are
    ``org``, ``limit``, ``today`` and ``iso27001`` (the framework code of ``ISO27001:…`` labels)."""
    from django.contrib.auth import get_user_model

    from assets.models import Asset
    from controls.models import Control, Framework
    from risks.models import (
        LEVEL_RANK,
        PENDING_ACTION_STATUSES,
        Risk,
        RiskAsset,
        RiskControl,
        RiskMethodology,
        TreatmentAction,
    )

    risk, link, control_link = Risk._meta.db_table, RiskAsset._meta.db_table, RiskControl._meta.db_table
    asset, control, action = Asset._meta.db_table, Control._meta.db_table, TreatmentAction._meta.db_table
    framework, methodology = Framework._meta.db_table, RiskMethodology._meta.db_table
    user = get_user_model()._meta.db_table
    counted = where.replace("r.", "x.")
    pending = ", ".join(f"'{status}'" for status in PENDING_ACTION_STATUSES)

    def rank(column: str) -> str:
        whens = " ".join(f"WHEN '{level}' THEN {n}" for level, n in LEVEL_RANK.items())
        return f"(CASE {column} {whens} ELSE 0 END)"

    def name(alias: str) -> str:
        full = f"trim({alias}.first_name || ' ' || {alias}.last_name)"
        return f"coalesce(nullif({full}, ''), {alias}.username)"

    def moment(column: str) -> str:  # as DRF writes an aware datetime in UTC
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

    brief = "json_build_object('id', a.id, 'identifier', a.identifier, 'name', a.name, 'kind', a.kind)"
    # Table names come from the models, ``where`` from this module, levels and statuses from
    # their constants; every value is a parameter.
    return f"""
SELECT json_build_object('count', (SELECT count(*) FROM {risk} x WHERE x.organization_id = %(org)s {counted}),
  'results', coalesce(json_agg(row_to_json(t)), '[]'::json))::text
FROM (
  SELECT r.id, 'R-' || lpad(r.number::text, 3, '0') AS reference, r.title, r.description, r.category,
    r.threat, r.vulnerability, r.affects_confidentiality, r.affects_integrity, r.affects_availability,
    r.ai_harm_area, u.username AS owner, {name("u")} AS owner_name,
    (SELECT coalesce(json_agg(a.id ORDER BY a.name, a.id), '[]'::json) FROM {link} l
       JOIN {asset} a ON a.id = l.asset_id WHERE l.risk_id = r.id) AS assets,
    (SELECT coalesce(json_agg({brief} ORDER BY a.identifier, a.name, a.id), '[]'::json) FROM {link} l
       JOIN {asset} a ON a.id = l.asset_id WHERE l.risk_id = r.id) AS affected_assets,
    r.inherent_likelihood, r.inherent_impact, r.inherent_score, r.inherent_level, r.treatment,
    (SELECT coalesce(json_agg(CASE WHEN f.code = %(iso27001)s THEN 'ISO27001:' ELSE 'ISO42001:' END
       || c.reference ORDER BY f."order", c."order"), '[]'::json) FROM {control_link} k
       JOIN {control} c ON c.id = k.control_id JOIN {framework} f ON f.id = c.framework_id
       WHERE k.risk_id = r.id) AS controls,
    r.treatment_plan, r.residual_likelihood, r.residual_impact, r.residual_score,
    nullif(r.residual_level, '') AS residual_level, r.residual_rationale, r.score, r.level,
    (r.level <> '' AND {rank("r.level")} > {rank("m.risk_appetite")}) AS above_appetite,
    r.status, r.next_review_date, r.last_reviewed_on,
    CASE WHEN r.accepted_at IS NULL THEN NULL ELSE json_build_object('accepted_by', ab.username,
      'accepted_at', {moment("r.accepted_at")}, 'justification', r.acceptance_justification,
      'score', r.accepted_score, 'level', r.accepted_level, 'above_appetite', r.accepted_above_appetite)
    END AS acceptance,
    (SELECT coalesce(json_agg(json_build_object('id', t.id, 'description', t.description, 'owner',
       o.username, 'owner_name', {name("o")}, 'due_date', t.due_date, 'status', t.status,
       'completed_on', t.completed_on, 'completion_note', t.completion_note,
       'is_overdue', t.status IN ({pending}) AND t.due_date < %(today)s,
       'created_at', {moment("t.created_at")}, 'updated_at', {moment("t.updated_at")})
       ORDER BY t.due_date, t.id), '[]'::json) FROM {action} t
       JOIN {user} o ON o.id = t.owner_id WHERE t.risk_id = r.id) AS actions,
    {moment("r.created_at")} AS created_at, {moment("r.updated_at")} AS updated_at
  FROM {risk} r JOIN {user} u ON u.id = r.owner_id LEFT JOIN {user} ab ON ab.id = r.accepted_by_id
    JOIN {methodology} m ON m.organization_id = r.organization_id
  WHERE r.organization_id = %(org)s {where}
  ORDER BY r.number LIMIT %(limit)s
) t"""  # noqa: S608


def _floor(sql: str, params: dict):
    from django.db import connection

    def answer() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return json.loads(cursor.fetchone()[0])

    def run() -> float:
        started = time.perf_counter()
        answer()
        return (time.perf_counter() - started) * 1000

    run.answer = answer
    return run


def _fields(value, prefix: str = "") -> set[str]:
    """Every key of a JSON answer, nested ones as ``actions.owner_name``."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= {prefix + key} | _fields(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for item in value:
            found |= _fields(item, prefix)
    return found


def _check_floor(case, body: bytes) -> None:
    """The floor must answer what the API answers: the same count, the same rows in the same
    order, every field of them. A lighter floor would flatter nothing but the ratio."""
    api, floor = json.loads(body), case.floor.answer()
    problems = []
    if api["count"] != floor["count"]:
        problems.append(f"count {api['count']} against the floor's {floor['count']}")
    if [r["id"] for r in api["results"]] != [r["id"] for r in floor["results"]]:
        problems.append("other rows or another order")
    ours, its = _fields(api["results"]), _fields(floor["results"])
    if ours != its:
        problems.append(f"fields only in the API {sorted(ours - its)}, in the floor {sorted(its - ours)}")
    if problems:
        raise RuntimeError(f"{case.label}: the floor answers otherwise than the API: {'; '.join(problems)}")


# --- Measuring -------------------------------------------------------------------


@dataclass
class Case:
    label: str
    path: str
    target_ms: float
    api: bool = False
    floor: object = None  # a callable timing the floor once, in ms
    ratio_target: float | None = None  # the floor ratio to meet (None: shown, not judged)


def _measure(case: Case, client: Client, repeat: int):
    for _ in range(2):
        status, body, _ = client.get(case.path)
    if status != 200:
        raise RuntimeError(f"{case.path} answered {status}: {body[:300]!r}")
    if case.floor is not None:
        _check_floor(case, body)
    times, floors = [], []
    for _ in range(repeat):
        times.append(client.get(case.path)[2])
        if case.floor is not None:
            floors.append(case.floor())
    return times, floors, len(body)


def _load(client: Client, path: str, clients: int, seconds: float):
    stop_at = time.monotonic() + seconds
    times, errors, lock = [], [0], threading.Lock()

    def worker():
        mine = []
        for _ in range(100_000):  # bounded: stops at the deadline long before this
            if time.monotonic() >= stop_at:
                break
            try:
                status, _, ms = client.get(path)
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            if status != 200:
                with lock:
                    errors[0] += 1
            mine.append(ms)
        with lock:
            times.extend(mine)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in range(clients):
            pool.submit(worker)
    elapsed = time.monotonic() - started
    return len(times) / elapsed, statistics.median(times), percentile(times, 0.95), errors[0], len(times)


def _mark(ok: bool) -> str:
    return "ok  " if ok else "MISS"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--risks", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--only", default="", help="Only the cases whose label contains this.")
    parser.add_argument("--no-load", action="store_true", help="Skip the load probe.")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc_portal.settings")
    # The same settings as the server's: the session's hash is signed with its SECRET_KEY.
    os.environ.update(_server_environment())
    sys.path.insert(0, str(ROOT))
    organization, _officer, session_key, token, cookie_name = _prepare(args)
    from risks.models import Risk
    from soa.models import SoAEntry

    slug = organization.slug
    risk = Risk.objects.for_organization(organization).order_by("number").first()
    page, api = f"/o/{slug}", f"/api/v1/organizations/{slug}"
    from django.utils import timezone

    from controls.selectors import ISO27001

    org = {"org": organization.pk, "today": timezone.localdate(), "iso27001": ISO27001}
    cases = [
        Case("dashboard", f"{page}/", PAGE_TARGET_MS),
        Case("asset list page", f"{page}/assets/", PAGE_TARGET_MS),
        Case("asset list page, group=ai", f"{page}/assets/?group=ai", PAGE_TARGET_MS),
        Case("risk register page", f"{page}/risks/", PAGE_TARGET_MS),
        Case("risk register, level=high", f"{page}/risks/?level=high", PAGE_TARGET_MS),
        Case("risk form (new)", f"{page}/risks/new/", PAGE_TARGET_MS),
        Case("risk form (edit)", f"{page}/risks/{risk.pk}/edit/", PAGE_TARGET_MS),
        Case("risk page", f"{page}/risks/{risk.pk}/", PAGE_TARGET_MS),
        Case("heat maps", f"{page}/risks/heat-maps/", PAGE_TARGET_MS),
        Case("impact assessments", f"{page}/risks/impact-assessments/", PAGE_TARGET_MS),
        Case("audit trail page", f"{page}/activity/", PAGE_TARGET_MS),
        Case("audit trail page 50", f"{page}/activity/?page=50", PAGE_TARGET_MS),
        Case("catalogue 27001", f"{page}/catalogue/iso27001-2022/", PAGE_TARGET_MS),
        Case("crosswalk", f"{page}/crosswalk/", PAGE_TARGET_MS),
        Case("SoA page", f"{page}/soa/", PAGE_TARGET_MS),
        Case("gap analysis page", f"{page}/soa/gap-analysis/", PAGE_TARGET_MS),
        Case("SoA API (50 rows)", f"{api}/soa/", API_TARGET_MS, api=True),
        Case("gap analysis API", f"{api}/gap-analysis/", API_TARGET_MS, api=True),
        Case("audit trail API", f"{api}/activity/", API_TARGET_MS, api=True),
        # One row: what a request costs whatever its rows (HTTP, authentication, membership,
        # the count), beside a floor of one row. It bounds the ratio any list can reach.
        Case(
            "asset API, 1 row",
            f"{api}/assets/?page_size=1",
            API_TARGET_MS,
            api=True,
            floor=_floor(_asset_floor_sql(), {**org, "limit": 1}),
        ),
        Case(
            "asset API, 50 rows",
            f"{api}/assets/",
            API_TARGET_MS,
            api=True,
            floor=_floor(_asset_floor_sql(), {**org, "limit": 50}),
            ratio_target=FLOOR_RATIO_TARGET,
        ),
        Case(
            "asset API, 500 rows",
            f"{api}/assets/?page_size=500",
            API_500_TARGET_MS,
            api=True,
            floor=_floor(_asset_floor_sql(), {**org, "limit": 500}),
            ratio_target=FLOOR_RATIO_TARGET,
        ),
        Case(
            "risk API, default",
            f"{api}/risks/",
            API_TARGET_MS,
            api=True,
            floor=_floor(_risk_floor_sql(), {**org, "limit": 50}),
            ratio_target=FLOOR_RATIO_TARGET,
        ),
        Case(
            "risk API, category=ai",
            f"{api}/risks/?category=ai",
            API_TARGET_MS,
            api=True,
            floor=_floor(_risk_floor_sql("AND r.category IN ('ai', 'both')"), {**org, "limit": 50}),
            ratio_target=FLOOR_RATIO_TARGET,
        ),
        Case(
            "risk API, level=high",
            f"{api}/risks/?level=high",
            API_TARGET_MS,
            api=True,
            floor=_floor(_risk_floor_sql("AND r.level = 'high'"), {**org, "limit": 50}),
            ratio_target=FLOOR_RATIO_TARGET,
        ),
    ]
    del SoAEntry
    cases = [c for c in cases if args.only.lower() in c.label.lower()]

    import tempfile

    with tempfile.TemporaryDirectory(prefix="grc-bench-scale-") as data_dir:
        port = _free_port()
        server = _start_server(port, Path(data_dir))
        try:
            page_client = Client(port, {"Cookie": f"{cookie_name}={session_key}"})
            api_client = Client(port, {"Authorization": f"Token {token}", "Accept": "application/json"})
            print(
                f"\nOrganization {slug}: " + ", ".join(f"{v:,} {k}" for k, v in _sizes(organization).items())
            )
            print(
                f"gunicorn 2 workers, DEBUG=false, PostgreSQL; "
                f"{args.repeat} requests per case after 2 warm-ups\n"
            )
            print(f"{'case':<30} {'median':>9} {'p95':>9} {'target':>8}       {'KiB':>6}  floor")
            misses = 0
            for case in cases:
                client = api_client if case.api else page_client
                times, floors, size = _measure(case, client, args.repeat)
                p95 = percentile(times, 0.95)
                ok = p95 <= case.target_ms
                line = (
                    f"{case.label:<30} {statistics.median(times):7.0f}ms {p95:7.0f}ms {case.target_ms:6.0f}ms"
                    f"  {_mark(ok)} {size / 1024:6.0f}"
                )
                if floors:
                    ratio = statistics.median(times) / statistics.median(floors)
                    line += f"  floor {statistics.median(floors):5.1f}ms, ratio {ratio:4.1f}x "
                    if case.ratio_target is None:
                        line += "(the fixed cost of a request; no target)"
                    else:
                        ok = ok and ratio <= case.ratio_target
                        line += f"(≤ {case.ratio_target:.0f}x) {_mark(ratio <= case.ratio_target)}"
                misses += not ok
                print(line, flush=True)
            if not args.no_load:
                print(f"\nLoad probe: {args.clients} concurrent clients, {args.load_seconds:.0f} s each")
                for label, client, path in (
                    ("asset API", api_client, f"{api}/assets/"),
                    ("risk register page", page_client, f"{page}/risks/"),
                ):
                    rps, median, p95, errors, count = _load(client, path, args.clients, args.load_seconds)
                    ok = rps >= LOAD_RPS_TARGET and p95 <= LOAD_P95_TARGET_MS and errors == 0
                    misses += not ok
                    print(
                        f"{label:<30} {rps:5.1f} req/s (≥ {LOAD_RPS_TARGET}), median {median:.0f} ms, "
                        f"p95 {p95:.0f} ms (≤ {LOAD_P95_TARGET_MS}), {errors} errors of {count}  {_mark(ok)}",
                        flush=True,
                    )
            print(f"\n{misses} miss(es)")
        finally:
            _stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
