"""The register page and the risk form do not grow with the inventory: at 3,000
assets they weigh what they weigh at 10 (issue 14: a <select> of every asset made
the register 794 KB and two seconds of template time at 10,000)."""

import pytest
from simple_history.utils import bulk_create_with_history

from assets.models import Asset
from tests.factories import RiskFactory

MANY = 3000
#: What may differ between the two sizes: counts and identifiers a few digits longer.
SLACK_BYTES = 2048


def _assets(organization, owner, start, count):
    bulk_create_with_history(
        [
            Asset(
                organization=organization,
                kind="hardware",
                name=f"Server in rack {n}",
                identifier=f"AST-{n:05d}",
                owner=owner,
                classification="internal",
                criticality="medium",
            )
            for n in range(start, start + count)
        ],
        Asset,
        batch_size=1000,
        default_user=owner,
    )


@pytest.fixture
def sizes(client, acme, alice, password):
    client.login(username="alice", password=password)
    risk = RiskFactory(organization=acme, owner=alice, title="Ransomware")
    urls = {
        "register": "/o/acme/risks/",
        "register filtered by asset": "/o/acme/risks/?asset=AST-00001",
        "new risk form": "/o/acme/risks/new/",
        "risk edit form": f"/o/acme/risks/{risk.pk}/edit/",
    }

    def measure():
        found = {}
        for label, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200, label
            found[label] = len(response.content)
        return found

    return measure


def test_register_and_risk_form_stay_small_with_thousands_of_assets(acme, alice, sizes):
    _assets(acme, alice, 1, 10)
    few = sizes()
    _assets(acme, alice, 11, MANY)
    assert Asset.objects.for_organization(acme).count() == MANY + 10
    many = sizes()
    for label, size in many.items():
        assert size <= few[label] + SLACK_BYTES, f"{label}: {few[label]} bytes at 10 assets, {size} at {MANY}"
