"""Generated documents at 10,000 assets: the inventory XLSX of all of them and the
printable PDF register of the 1,000 AI assets, built through the build task's code
path (as a worker runs it), with the time, the file size and the process's peak
memory after each."""

import resource
import time

ASSET_COUNT = 10_000


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run():
    from django.contrib.auth import get_user_model

    from benchmarks.bench_assets import _inventory
    from core.roles import Role
    from documents import services
    from documents.models import DocumentStatus
    from organizations.models import Membership, Organization

    users = get_user_model().objects
    organization = Organization.objects.create(name="Benchmark Documents Ltd", slug="bench-documents")
    officer = users.create_user(username="bench-docs-officer")
    owners = [officer, *(users.create_user(username=f"bench-docs-owner-{n}") for n in range(4))]
    for user in owners:
        Membership.objects.create(organization=organization, user=user, role=Role.COMPLIANCE_OFFICER)
    _inventory(organization, owners)

    figures = [("process peak memory before building", f"{_peak_mib():.0f} MiB")]
    for kind, parameters, label in (
        ("asset_inventory_xlsx", {}, f"all {ASSET_COUNT:,} assets"),
        ("asset_inventory_pdf", {"group": "ai"}, "the AI assets"),
    ):
        document = services.document_request(
            organization=organization, actor=officer, kind=kind, parameters=parameters
        )
        started = time.perf_counter()
        outcome = services.document_build(document_id=document.pk, worker="bench/1")
        elapsed = time.perf_counter() - started
        document.refresh_from_db()
        if outcome != "done" or document.status != DocumentStatus.DONE:
            raise RuntimeError(f"{kind} ended {document.status}: {document.error}")
        figures.append(
            (
                f"{kind} of {label}",
                f"{elapsed:6.1f} s  {document.size / 1024:,.0f} KiB, peak {_peak_mib():.0f} MiB so far",
            )
        )
    return "Generated documents", figures
