"""One organization among many against the same organization alone (issue 14, item 5).

    python -m benchmarks.scale_orgs --many postgres://…/grc_many --alone postgres://…/grc_alone
        [--seed 11 --target 125 --repeat 15]

Seed the two databases first (minutes to hours; each organization of ``seed:n`` is the same
whatever else is seeded, ``portal.scale_seed``):

    # each database: manage.py migrate, then manage.py load_catalogues; then, two processes
    # side by side (about 30 min on 2 cores for 1,000 organizations):
    DATABASE_URL=…/grc_many  python manage.py seed_demo --first 1 --orgs 500 --assets 1000 \
        --risks 500 --seed 11
    DATABASE_URL=…/grc_many  python manage.py seed_demo --first 501 --orgs 500 --assets 1000 \
        --risks 500 --seed 11
    DATABASE_URL=…/grc_alone python manage.py seed_demo --first 500 --orgs 1 --assets 1000 \
        --risks 500 --seed 11

and run with ``--target 500`` (docs/performance.md, "Many organizations on one database").

It starts one gunicorn (two workers, ``DEBUG=false``) on each database, signs in as organization
``scale-<seed>-<target>``'s compliance officer on both, then times every case on the two
servers alternately — one request here, one there, ``--repeat`` times after warm-ups — so both
see the same machine at the same moment, and prints the two medians and their ratio beside
the 1.2x target. Only one request runs at a time.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.scale import Client, _free_port, _server_environment, _start_server, _stop_server, percentile

ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 1.2

_PREPARE = """
import json, django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from api_tokens.services import api_token_create
from organizations.models import Organization
from risks.models import Risk
from assets.models import Asset
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)  # a database seeded by older code gets today's schema
organization = Organization.objects.get(slug={slug!r})
officer = organization.memberships.get(user__username={slug!r} + "-officer").user
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(officer.pk)
store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
store[HASH_SESSION_KEY] = officer.get_session_auth_hash()
store.create()
issued = api_token_create(user=officer, name="benchmark")
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(json.dumps({{
    "session": store.session_key,
    "token": issued.secret,
    "cookie": settings.SESSION_COOKIE_NAME,
    "risk": Risk.objects.for_organization(organization).order_by("number")[0].pk,
    "asset": Asset.objects.for_organization(organization).order_by("identifier")[0].pk,
    "organizations": Organization.objects.count(),
    "assets_in_database": Asset.objects.count(),
    "risks_in_database": Risk.objects.count(),
}}))
"""


def _prepare(url: str, slug: str) -> dict:
    environment = {
        **_server_environment(),
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "grc_portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PREPARE.format(slug=slug)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        reason = result.stderr.strip().splitlines()[-1]
        raise SystemExit(f"{slug} in {url}: {reason} (seed it first, as the docstring says)")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _cases(slug: str, risk: int, asset: int) -> list[tuple[str, str, bool]]:
    page, api = f"/o/{slug}", f"/api/v1/organizations/{slug}"
    return [
        ("dashboard", f"{page}/", False),
        ("asset list page", f"{page}/assets/", False),
        ("asset page", f"{page}/assets/{asset}/", False),
        ("risk register page", f"{page}/risks/", False),
        ("risk form (edit)", f"{page}/risks/{risk}/edit/", False),
        ("risk page", f"{page}/risks/{risk}/", False),
        ("heat maps", f"{page}/risks/heat-maps/", False),
        ("impact assessments", f"{page}/risks/impact-assessments/", False),
        ("audit trail page", f"{page}/activity/", False),
        ("SoA page", f"{page}/soa/", False),
        ("gap analysis page", f"{page}/soa/gap-analysis/", False),
        ("audits", f"{page}/audits/", False),
        ("asset API, 50 rows", f"{api}/assets/", True),
        ("asset API, search", f"{api}/assets/?search=server", True),
        ("risk API, default", f"{api}/risks/", True),
        ("risk API, level=high", f"{api}/risks/?level=high", True),
        ("SoA API", f"{api}/soa/", True),
        ("audit trail API", f"{api}/activity/", True),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_orgs")
    parser.add_argument("--many", required=True, help="DATABASE_URL of the database of many organizations")
    parser.add_argument("--alone", required=True, help="DATABASE_URL of the database of the target alone")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--target", type=int, default=125, help="The organization measured: scale-<seed>-<n>."
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    slug = f"scale-{args.seed}-{args.target}"
    sys.path.insert(0, str(ROOT))

    many, alone = _prepare(args.many, slug), _prepare(args.alone, slug)
    for label, facts in (("many", many), ("alone", alone)):
        print(
            f"{label:>5}: {facts['organizations']:,} organizations, {facts['assets_in_database']:,} assets, "
            f"{facts['risks_in_database']:,} risks in the database"
        )
    servers, clients = [], {}
    saved = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="grc-bench-orgs-") as data_dir:
        try:
            for label, url, facts in (("many", args.many, many), ("alone", args.alone, alone)):
                os.environ["DATABASE_URL"] = url
                folder = Path(data_dir) / label
                folder.mkdir()
                port = _free_port()
                servers.append(_start_server(port, folder))
                clients[label] = (
                    Client(port, {"Cookie": f"{facts['cookie']}={facts['session']}"}),
                    Client(port, {"Authorization": f"Token {facts['token']}", "Accept": "application/json"}),
                )
            print(f"\n{slug}, gunicorn 2 workers per database, {args.repeat} alternating requests per case\n")
            print(f"{'case':<24} {'many: median':>13} {'p95':>7} {'alone: median':>14} {'p95':>7}  ratio")
            misses = 0
            cases = _cases(slug, many["risk"], many["asset"])
            alone_ids = {str(many["risk"]): str(alone["risk"]), str(many["asset"]): str(alone["asset"])}
            for label, path, api in cases:
                if args.only.lower() not in label.lower():
                    continue
                alone_path = path
                for old, new in alone_ids.items():
                    alone_path = alone_path.replace(f"/{old}/", f"/{new}/")
                pick = 1 if api else 0
                many_client, alone_client = clients["many"][pick], clients["alone"][pick]
                for client, url in ((many_client, path), (alone_client, alone_path)):
                    for _ in range(2):
                        status, body, _ = client.get(url)
                    if status != 200:
                        raise RuntimeError(f"{url} answered {status}: {body[:300]!r}")
                times_many, times_alone = [], []
                for _ in range(args.repeat):
                    times_many.append(many_client.get(path)[2])
                    times_alone.append(alone_client.get(alone_path)[2])
                median_many, median_alone = statistics.median(times_many), statistics.median(times_alone)
                ratio = median_many / median_alone
                ok = ratio <= RATIO_TARGET
                misses += not ok
                print(
                    f"{label:<24} {median_many:11.0f}ms {percentile(times_many, 0.95):5.0f}ms"
                    f" {median_alone:12.0f}ms {percentile(times_alone, 0.95):5.0f}ms"
                    f"  {ratio:4.2f}x (≤ {RATIO_TARGET}x) {'ok' if ok else 'MISS'}",
                    flush=True,
                )
            print(f"\n{misses} miss(es)")
        finally:
            for server in servers:
                _stop_server(server)
            if saved is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = saved
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
