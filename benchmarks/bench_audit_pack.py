"""The audit pack of a 10,000-asset / 5,000-risk organization (docs/decisions/0015).

Seeds the organization with the bulk services (the asset benchmark's inventory, 5,000 risks with
controls through ``risk_bulk_create``), approves its SoA and starts a combined audit, then:

Wall times on a shared machine include the neighbours' load; the CPU seconds (``process_time``)
are what the pack itself costs.

- renders every part of the plan in this process, one after the other, timing each (and so the
  render time per 1,000 rows of each register) — the pack as one worker builds it;
- renders the same parts in 2 forked processes taking the next part as they free up (what two
  ``pdf`` workers do with the part tasks), each reporting its own peak memory
  (``resource.getrusage``), then assembles; wall time and peak memory per process.
"""

import datetime
import multiprocessing
import random
import resource
import time
from collections import defaultdict

RISKS = 5_000
WORKERS = 2


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def _render_part(args):
    document_id, key = args
    from documents.models import GeneratedDocument
    from documents.registry import kind_get

    document = GeneratedDocument.objects.select_related("organization", "requested_by").get(pk=document_id)
    started, cpu = time.perf_counter(), time.process_time()
    pdf = kind_get(document.kind).parts.render(document, key)
    elapsed = time.perf_counter() - started
    return key, pdf, elapsed, time.process_time() - cpu, multiprocessing.current_process().name, _peak_mib()


def _rows_of(key: str) -> tuple[str, int]:
    code, _, span = key.partition(":")
    if not span:
        return code, 0
    start, end = (int(n) for n in span.split("-"))
    return code, end - start


def run():
    from django.contrib.auth import get_user_model
    from django.db import connections

    from assets.models import Asset
    from audits.pack.build import KIND
    from audits.pack.requests import audit_pack_request
    from benchmarks.bench_assets import ASSET_COUNT, _inventory
    from controls.models import Framework
    from controls.services import catalogues_load
    from core.roles import Role
    from documents.registry import kind_get
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
    figures = [
        (
            "seeded",
            f"{ASSET_COUNT:,} assets, {RISKS:,} risks, SoA v1, audit of "
            f"{audit.items.count()} items in {time.perf_counter() - seeded:.0f} s",
        )
    ]

    document = audit_pack_request(organization=organization, actor=officer, audit=audit)
    parts = kind_get(KIND).parts
    started = time.perf_counter()
    keys = parts.plan(document)
    planned = time.perf_counter() - started

    # One process, the parts in turn (parallel off).
    rendered, seconds, cpu_seconds = [], {}, {}
    started, cpu_started = time.perf_counter(), time.process_time()
    for key in keys:
        part_started, part_cpu = time.perf_counter(), time.process_time()
        rendered.append((key, parts.render(document, key)))
        seconds[key] = time.perf_counter() - part_started
        cpu_seconds[key] = time.process_time() - part_cpu
    assemble_started = time.perf_counter()
    content = parts.assemble(document, rendered)
    assembled = time.perf_counter() - assemble_started
    serial = time.perf_counter() - started
    serial_cpu = time.process_time() - cpu_started
    figures.append(("parts in the plan", f"{len(keys)} (planned in {planned * 1000:.0f} ms)"))
    figures.append(
        (
            "parallel off: 1 process",
            f"{serial:6.1f} s, {serial_cpu:.1f} s CPU  ({len(content) / 1024 / 1024:.1f} MiB PDF, "
            f"assembly {assembled:.1f} s, peak {_peak_mib():.0f} MiB)",
        )
    )
    per_register: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for key, elapsed in seconds.items():
        code, rows = _rows_of(key)
        if rows:
            per_register[code][0] += elapsed
            per_register[code][1] += rows
        else:
            figures.append((f"  part {key}", f"{elapsed:6.2f} s"))
    for code, (elapsed, rows) in per_register.items():
        figures.append(
            (f"  {code} rows", f"{elapsed:6.1f} s for {rows:,}: {1000 * elapsed / rows:.2f} s per 1,000")
        )

    # Two processes taking parts as they free up (parallel on), then the assembly.
    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(WORKERS) as pool:
        results = pool.map(_render_part, [(document.pk, key) for key in keys], chunksize=1)
    order = {key: n for n, key in enumerate(keys)}
    results.sort(key=lambda r: order[r[0]])
    rendering = time.perf_counter() - started
    assemble_started = time.perf_counter()
    parts.assemble(document, [(key, pdf) for key, pdf, *_ in results])
    assembled = time.perf_counter() - assemble_started
    peaks: dict[str, float] = {}
    busy: dict[str, float] = defaultdict(float)
    cpu_busy: dict[str, float] = defaultdict(float)
    for _key, _pdf, elapsed, cpu, process, peak in results:
        peaks[process] = max(peaks.get(process, 0.0), peak)
        busy[process] += elapsed
        cpu_busy[process] += cpu
    figures.append(
        (
            f"parallel on: {WORKERS} processes",
            f"{rendering + assembled:6.1f} s  (parts {rendering:.1f} s, assembly {assembled:.1f} s; "
            f"speed-up {serial / (rendering + assembled):.2f}x)",
        )
    )
    for process in sorted(peaks):
        figures.append(
            (
                f"  {process}",
                f"busy {busy[process]:.1f} s ({cpu_busy[process]:.1f} s CPU), peak {peaks[process]:.0f} MiB",
            )
        )
    return "Audit pack", figures
