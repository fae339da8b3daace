"""The asset inventory at 10,000 assets: list page and API list render time and
query count under filters, XLSX export, and a 1,000-row import."""

import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ASSET_COUNT = 10_000
IMPORT_ROWS = 1_000
REPEAT = 5

PAGE_CASES = [
    ("first page, default order", {}),
    ("group=ai", {"group": "ai"}),
    ("tag=pii", {"tag": "pii"}),
    ("criticality=high, sorted by -criticality", {"criticality": "high", "ordering": "-criticality"}),
    ("search=server", {"search": "server"}),
    ("owner + classification", {"owner": "bench-officer", "classification": "confidential"}),
    ("page 150 of 200", {"page": 150}),
]


def _inventory(organization, owners):
    from simple_history.utils import bulk_create_with_history

    from assets.models import AI_KINDS, INFORMATION_KINDS, Asset, AssetRelation

    rng = random.Random(42)
    tags = ["pii", "claims", "finance", "hr", "production", "legacy", "vendor", "gdpr"]
    assets = []
    for i in range(1, ASSET_COUNT + 1):
        ai = i % 10 == 0
        kind = rng.choice(sorted(AI_KINDS if ai else INFORMATION_KINDS))
        ratings = [rng.randint(1, 5) for _ in range(3)]
        asset = Asset(
            organization=organization,
            kind=kind,
            name=f"{kind.replace('_', ' ').title()} {'server' if i % 7 == 0 else 'asset'} {i}",
            identifier=f"AST-{i:05d}",
            owner=rng.choice(owners),
            classification=rng.choice(["public", "internal", "confidential", "restricted"]),
            confidentiality=ratings[0],
            integrity=ratings[1],
            availability=ratings[2],
            criticality=["low", "low", "medium", "high", "critical"][max(ratings) - 1],
            lifecycle_status=rng.choice(["planned", "in_use", "in_use", "in_use", "retired"]),
            tags=rng.sample(tags, rng.randint(0, 3)),
            location=f"Site {i % 40}",
        )
        if kind == "ai_system":
            asset.ai_role, asset.ai_intended_purpose = "deployer", "Benchmark purpose"
            asset.ai_risk_class = rng.choice(["high", "limited", "minimal"])
            asset.ai_lifecycle_stage, asset.ai_personal_data = "operation_monitoring", "no"
            asset.ai_automation_level, asset.ai_human_oversight = "assistance", "in_the_loop"
        assets.append(asset)
    created = bulk_create_with_history(assets, Asset, batch_size=1000, default_user=owners[0])
    relations = [
        AssetRelation(organization=organization, source=created[i], target=created[i + 1], type="uses")
        for i in range(0, len(created) - 1, 5)
    ]
    bulk_create_with_history(relations, AssetRelation, batch_size=1000, default_user=owners[0])


def _measure(client, url, params):
    times, queries, status = [], 0, None
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        queries, status = len(captured), response.status_code
    if status != 200:
        raise RuntimeError(f"{url} {params} answered {status}")
    return statistics.median(times), queries


def run():
    from django.contrib.auth import get_user_model

    from assets.models import Asset
    from assets.tabular import ASSET_COLUMNS, asset_import
    from core.roles import Role
    from core.tabular import table_read
    from organizations.models import Membership, Organization

    users = get_user_model().objects
    organization = Organization.objects.create(name="Benchmark Ltd", slug="bench")
    officer = users.create_user(username="bench-officer", email="officer@bench.example")
    others = [users.create_user(username=f"bench-owner-{n}") for n in range(4)]
    for user in [officer, *others]:
        Membership.objects.create(organization=organization, user=user, role=Role.COMPLIANCE_OFFICER)

    figures = []
    started = time.perf_counter()
    _inventory(organization, [officer, *others])
    figures.append(
        (f"create {ASSET_COUNT:,} assets (bulk, with history)", f"{time.perf_counter() - started:.1f} s")
    )

    client = Client()
    client.force_login(officer)
    for label, params in PAGE_CASES:
        ms, queries = _measure(client, "/o/bench/assets/", params)
        figures.append((f"list page · {label}", f"{ms:7.1f} ms  {queries:3d} queries"))
    for label, params in PAGE_CASES[:4]:
        ms, queries = _measure(client, "/api/v1/organizations/bench/assets/", params)
        figures.append((f"API list · {label}", f"{ms:7.1f} ms  {queries:3d} queries"))

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get("/o/bench/assets/export/", {"format": "xlsx"})
        elapsed = time.perf_counter() - started
    figures.append(
        (
            f"export all {ASSET_COUNT:,} as XLSX",
            f"{elapsed:7.2f} s   {len(captured):3d} queries, {len(response.content) // 1024} KiB",
        )
    )

    lines = [
        "identifier,name,kind,owner,classification,confidentiality,integrity,availability,tags,relations"
    ]
    for i in range(IMPORT_ROWS):
        relation = f"uses:IMP-{i - 1:04d}" if i % 4 == 3 else ""
        lines.append(
            f"IMP-{i:04d},Imported workstation {i},hardware,bench-owner-{i % 4},"
            f"internal,2,3,{i % 5 + 1},fleet,{relation}"
        )
    content = "\n".join(lines).encode()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        rows = table_read(content, columns=ASSET_COLUMNS, filename="bench.csv").rows
        imported = asset_import(organization=organization, actor=officer, rows=rows, filename="bench.csv")
        elapsed = time.perf_counter() - started
    assert len(imported) == IMPORT_ROWS
    history_rows = Asset.history.filter(
        organization_id=organization.pk, history_change_reason="Imported from bench.csv"
    )
    figures.append(
        (
            f"import {IMPORT_ROWS:,} CSV rows (read, validate, write)",
            f"{elapsed:7.2f} s   {len(captured):3d} queries",
        )
    )
    figures.append(("history rows written by the import", f"{history_rows.count():,}"))
    return "Asset inventory", figures
