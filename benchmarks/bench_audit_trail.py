"""The audit trail over a 10,000-asset inventory (12,000 history rows in two tables plus
memberships): page and API render time and query count under filters, deep pages,
and the CSV export of the whole trail."""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .bench_assets import ASSET_COUNT, _inventory, _measure

PAGE_CASES = [
    ("first page, every record type", {}),
    ("kind=assets.assetrelation", {"kind": "assets.assetrelation"}),
    ("action=changed", {"action": "changed"}),
    ("who + since", {"who": "__officer__", "since": "2000-01-01"}),
    ("page 200", {"page": 200}),
]


def run():
    from django.contrib.auth import get_user_model

    from core.roles import Role
    from organizations.models import Membership, Organization

    users = get_user_model().objects
    organization = Organization.objects.create(name="Trail Ltd", slug="trail")
    officer = users.create_user(username="trail-officer", email="officer@trail.example")
    others = [users.create_user(username=f"trail-owner-{n}") for n in range(4)]
    for user in [officer, *others]:
        Membership.objects.create(organization=organization, user=user, role=Role.COMPLIANCE_OFFICER)
    _inventory(organization, [officer, *others])

    client = Client()
    client.force_login(officer)
    figures = []
    for label, params in PAGE_CASES:
        params = {k: (officer.pk if v == "__officer__" else v) for k, v in params.items()}
        ms, queries = _measure(client, "/o/trail/activity/", params)
        figures.append((f"trail page · {label}", f"{ms:7.1f} ms  {queries:3d} queries"))
    ms, queries = _measure(client, "/api/v1/organizations/trail/activity/", {"page_size": 500})
    figures.append(("API · 500 entries", f"{ms:7.1f} ms  {queries:3d} queries"))

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get("/o/trail/activity/export.csv")
        body = b"".join(response.streaming_content)
        elapsed = time.perf_counter() - started
    rows = body.count(b"\n") - 1
    figures.append(
        (
            f"CSV export of the whole trail ({rows:,} rows, {ASSET_COUNT:,} assets)",
            f"{elapsed:7.2f} s   {len(captured):3d} queries",
        )
    )
    return "Audit trail", figures
