"""The register page and the API list cost the same number of queries for 3 or 30 risks."""

import pytest

from controls.models import Control
from risks.models import RiskAsset, RiskControl
from tests.factories import AIRiskFactory, AssetFactory, RiskFactory, TreatmentActionFactory


def _fill(organization, owner, other, count):
    controls = list(Control.objects.filter(reference__in=["8.7", "8.8", "A.6.2.8"]))
    for i in range(count):
        factory = AIRiskFactory if i % 2 else RiskFactory
        risk = factory(
            organization=organization,
            owner=owner if i % 3 else other,
            residual_likelihood=1 if i % 2 else None,
            residual_impact=2 if i % 2 else None,
        )
        RiskAsset.objects.create(
            organization=organization, risk=risk, asset=AssetFactory(organization=organization, owner=owner)
        )
        for control in controls[: i % 3 + 1]:
            RiskControl.objects.create(organization=organization, risk=risk, control=control)
        TreatmentActionFactory(risk=risk, owner=owner)


@pytest.mark.parametrize("count", [3, 30])
def test_the_register_page_query_count_does_not_grow(
    client, acme, alice, olivia, password, catalogues, django_assert_max_num_queries, count
):
    _fill(acme, alice, olivia, count)
    client.login(username="alice", password=password)
    # 17, plus the navigation's counts, the bulk bar's members and the saved views.
    with django_assert_max_num_queries(20):
        response = client.get("/o/acme/risks/", {"page_size": 100, "ordering": "-level", "status": "open"})
    assert response.status_code == 200
    assert len(response.context["risks"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_list_query_count_does_not_grow(
    api_as, acme, alice, olivia, catalogues, django_assert_num_queries, count
):
    _fill(acme, alice, olivia, count)
    client = api_as(alice)
    client.get("/api/v1/organizations/acme/risks/", {"page_size": 100})  # the connection's first use
    # The token, the membership and the page — the count, each row's assets, controls and
    # actions as JSON (core.api.lists.linked_rows) and the risk appetite (above_appetite) in it.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/organizations/acme/risks/", {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == count
    rows = response.json()["results"]
    assert any(row["actions"] for row in rows) and any(row["controls"] for row in rows)
    assert any(row["affected_assets"] for row in rows)


@pytest.mark.parametrize("count", [3, 30])
def test_the_export_query_count_does_not_grow(
    client, acme, alice, olivia, password, catalogues, django_assert_max_num_queries, count
):
    _fill(acme, alice, olivia, count)
    client.login(username="alice", password=password)
    # 10: the count that decides whether the workbook is built here or in the background.
    with django_assert_max_num_queries(10):
        response = client.get("/o/acme/risks/export/", {"format": "xlsx"})
    assert response.status_code == 200
