"""The joint Statement of Applicability at its full size (131 rows, both catalogues): the SoA
page, the SoA list API and the gap analysis, page and API (median and p95 over a few runs,
with their query counts),
and the PDF of an approved version built through the build task's code path (as a worker
runs it), with its time and the memory the builder allocates and the process peak."""

import random
import resource
import statistics
import time
import tracemalloc

from django.db import connection
from django.test.utils import CaptureQueriesContext

REPEAT = 7
PDF_REPEAT = 3
RISKS = 40
#: Targets, also in docs/performance.md.
PDF_TARGET_SECONDS = 10.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed(call, repeat: int = REPEAT):
    """Median and p95 in ms, and the query count of the last run."""
    samples, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(samples), _p95(samples), queries


def _soa(organization, officer, owners):
    """Every row decided as a real SoA is: most applicable, a few excluded, varied statuses,
    recorded reasons, and risks of the register treated by controls of both standards."""
    from controls.models import Control
    from risks import services as risk_services
    from soa.models import SoAEntry, SoAReason

    rng = random.Random(7)
    controls = list(Control.objects.filter(framework__code__in=["iso27001-2022", "iso42001-2023"]))
    for n in range(1, RISKS + 1):
        risk_services.risk_create(
            organization=organization,
            actor=officer,
            values={
                "title": f"Benchmark risk {n}",
                "category": "information_security",
                "threat": "Ransomware",
                "vulnerability": "Unpatched servers",
                "affects_availability": True,
                "owner": rng.choice(owners),
                "inherent_likelihood": rng.randint(1, 5),
                "inherent_impact": rng.randint(1, 5),
                "treatment": "modify",
            },
            assets=[],
            controls=rng.sample(controls, 4),
        )
    entries = list(SoAEntry.objects.for_organization(organization))
    reasons = []
    for entry in entries:
        entry.applicable = rng.random() > 0.08
        entry.exclusion_justification = "" if entry.applicable else "No such activity in scope."
        entry.status = rng.choice(["not_started", "planned", "partial", "implemented", "implemented"])
        entry.owner = rng.choice(owners)
        entry.implementation_notes = "Documented in the ISMS handbook, section 4."
        entry.evidence_location = "https://intranet.example/isms/evidence"
        if entry.applicable and rng.random() > 0.5:
            reasons.append(
                SoAReason(
                    organization=organization,
                    entry=entry,
                    kind="business_good_practice",
                    note="Expected by our customers' security questionnaires.",
                )
            )
    SoAEntry.objects.bulk_update(
        entries,
        [
            "applicable",
            "exclusion_justification",
            "status",
            "owner",
            "implementation_notes",
            "evidence_location",
        ],
    )
    SoAReason.objects.bulk_create(reasons)
    return len(entries)


def run():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.test import APIClient

    from controls.models import Framework
    from controls.services import catalogues_load
    from core.roles import Role
    from documents import services as document_services
    from documents.models import DocumentStatus
    from organizations.models import Membership, Organization
    from soa import documents as soa_documents
    from soa.gap_analysis import gap_analysis_for
    from soa.provisioning import entries_create_missing
    from soa.services import soa_version_approve

    if Framework.objects.count() < 2:
        catalogues_load()
    users = get_user_model().objects
    organization = Organization.objects.create(name="Benchmark SoA Ltd", slug="bench-soa")
    officer = users.create_user(username="bench-soa-officer", first_name="Olivia", last_name="Officer")
    owners = [officer, *(users.create_user(username=f"bench-soa-owner-{n}") for n in range(4))]
    for user in owners:
        Membership.objects.create(organization=organization, user=user, role=Role.COMPLIANCE_OFFICER)
    # Created directly, not through the organization service: its rows are provisioned here.
    entries_create_missing(organization_ids=[organization.pk], reason="Benchmark organization")
    rows = _soa(organization, officer, owners)
    version = soa_version_approve(
        organization=organization, actor=officer, change_summary="Benchmark version"
    )

    api = APIClient()
    api.force_authenticate(officer)
    base = f"/api/v1/organizations/{organization.slug}"

    def soa_list():
        response = api.get(f"{base}/soa/", {"page_size": 200})
        assert response.status_code == 200 and response.json()["count"] == rows, response.content[:200]

    def gap_api():
        assert api.get(f"{base}/gap-analysis/").status_code == 200

    browser = Client()
    browser.force_login(officer)

    def soa_page():
        response = browser.get(f"/o/{organization.slug}/soa/")
        assert response.status_code == 200 and b"soa-row-" in response.content

    def gap_page():
        assert browser.get(f"/o/{organization.slug}/soa/gap-analysis/").status_code == 200

    figures = [("SoA rows", f"{rows} (both catalogues), {RISKS} risks treating 4 controls each")]
    soa_page()  # the session's first save is not the page's cost
    for label, call in (
        ("SoA page, all rows (both standards)", soa_page),
        ("gap analysis page", gap_page),
        ("SoA list API, all rows in one page", soa_list),
        (
            "SoA list API, framework=iso42001-2023",
            lambda: api.get(f"{base}/soa/", {"framework": "iso42001-2023"}),
        ),
        ("gap analysis (selector)", lambda: gap_analysis_for(organization).totals),
        ("gap analysis API", gap_api),
    ):
        median, p95, queries = _timed(call)
        figures.append((label, f"median {median:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries"))

    def build_pdf(*, traced: bool):
        document = soa_documents.soa_pdf_request(organization=organization, actor=officer, version=version)
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        outcome = document_services.document_build(document_id=document.pk, worker="bench/1")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if traced else 0.0
        if traced:
            tracemalloc.stop()
        document.refresh_from_db()
        if outcome != "done" or document.status != DocumentStatus.DONE:
            raise RuntimeError(f"SoA PDF ended {document.status}: {document.error}")
        return document, elapsed, peak

    # Timed without tracemalloc (it slows WeasyPrint several times); one more build measures allocations.
    builds = [build_pdf(traced=False) for _ in range(PDF_REPEAT)]
    timings = [elapsed for _, elapsed, _ in builds]
    document = builds[-1][0]
    _, traced_elapsed, allocated = build_pdf(traced=True)
    median = statistics.median(timings)
    figures.append(
        (
            f"SoA version PDF ({rows} rows), {PDF_REPEAT} builds",
            f"median {median:5.2f} s  max {max(timings):5.2f} s  (target < {PDF_TARGET_SECONDS:.0f} s: "
            f"{'met' if max(timings) < PDF_TARGET_SECONDS else 'MISSED'})  {document.size / 1024:,.0f} KiB",
        )
    )
    figures.append(
        (
            "SoA PDF builder, Python allocations at peak",
            f"{allocated:.0f} MiB (tracemalloc, one more build: {traced_elapsed:.1f} s when traced)",
        )
    )
    figures.append(("process peak memory after the PDFs", f"{_peak_mib():.0f} MiB (ru_maxrss)"))
    return "Statement of Applicability", figures
