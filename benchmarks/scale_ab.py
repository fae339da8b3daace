"""Before and after of each fix, interleaved in one process on the seeded organization,
so that a busy machine slows both sides alike.

    DATABASE_URL=postgres://… python -m benchmarks.scale_ab [--seed 7] [--repeat 15]

Run ``python -m benchmarks.scale`` first (it seeds ``scale-<seed>-1``). Each case times
the shape the code had before (rebuilt here) against the current one, alternating.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_ab")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count, Q
    from django.utils import timezone
    from rest_framework import serializers

    from assets import selectors as asset_selectors
    from assets.models import Asset
    from assets.serializers import AssetSerializer
    from core import audit_trail
    from organizations.models import Organization
    from risks import selectors as risk_selectors
    from risks.models import Risk
    from risks.models.vocabulary import PENDING_ACTION_STATUSES

    organization = Organization.objects.get(slug=f"scale-{args.seed}-1")

    # 1. The asset API's rows: a field walk per row (before) or built directly (after).
    assets = list(
        asset_selectors.assets_with_relations(
            Asset.objects.for_organization(organization).select_related("owner", "custodian")
        ).order_by("name", "id")[:500]
    )
    serializer = AssetSerializer(context={"organization": organization})

    def rows_generic():
        return [serializers.ModelSerializer.to_representation(serializer, a) for a in assets]

    def rows_fast():
        return [serializer.to_representation(a) for a in assets]

    # 2. The register's page of risks: actions counted over a join of every risk (before)
    # or per row of the page (after); the page and its count() as the paginator runs them.
    today = timezone.localdate()
    base = Risk.objects.for_organization(organization)

    def risks_joined():
        queryset = base.annotate(
            pending_actions=Count(
                "actions", filter=Q(actions__status__in=PENDING_ACTION_STATUSES), distinct=True
            ),
            overdue_actions=Count(
                "actions",
                filter=Q(actions__status__in=PENDING_ACTION_STATUSES, actions__due_date__lt=today),
                distinct=True,
            ),
        ).order_by("number")
        queryset.count()
        list(queryset[:50])

    def risks_subqueries():
        queryset = risk_selectors.risks_with_links(base).order_by("number")
        queryset.count()
        list(queryset.prefetch_related(None)[:50])

    # 3. The trail's first page and count: one union of every history row (before) or the
    # top of each table (after).
    parts = audit_trail._parts(organization, audit_trail.TrailFilter())

    def trail_whole():
        union = audit_trail._union(parts)
        union.count()
        list(union.order_by("-history_date", "-history_id")[0:50])

    def trail_top():
        trail = audit_trail.Trail(organization)
        trail.count()
        list(audit_trail._union(trail._parts, first=50).order_by("-history_date", "-history_id")[0:50])

    def trail_whole_page():
        list(audit_trail._union(parts).order_by("-history_date", "-history_id")[0:50])

    def trail_top_page():
        list(audit_trail._union(parts, first=50).order_by("-history_date", "-history_id")[0:50])

    cases = [
        ("asset API rows x500: serializer fields → direct dicts", rows_generic, rows_fast),
        ("register page query + count: join Count → subqueries", risks_joined, risks_subqueries),
        ("audit trail first page + count: whole union → per-table top", trail_whole, trail_top),
        ("audit trail first page only", trail_whole_page, trail_top_page),
    ]
    print(f"Interleaved, {args.repeat} runs each, organization {organization.slug}\n")
    for label, before, after in cases:
        before(), after()
        times_before, times_after = [], []
        for _ in range(args.repeat):
            times_before.append(_time(before))
            times_after.append(_time(after))
        b, a = statistics.median(times_before), statistics.median(times_after)
        print(f"{label:<62} before {b:7.1f} ms   after {a:7.1f} ms   {b / a:4.1f}x faster", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
