"""The inventory page and the API list cost the same number of queries for 5 or 40 assets."""

import pytest

from tests.factories import AISystemFactory, AssetFactory, AssetRelationFactory


def _fill(organization, owner, custodian, count):
    for i in range(count):
        if i % 2:
            source = AISystemFactory(
                organization=organization, owner=owner, custodian=custodian, tags=["ai", f"t{i}"]
            )
            target = AssetFactory(organization=organization, owner=custodian, tags=["infra"])
            AssetRelationFactory(source=source, target=target, type="hosted_on")
        else:
            AssetFactory(organization=organization, owner=owner, tags=[f"tag{i}"])


@pytest.mark.parametrize("count", [5, 40])
def test_the_list_page_query_count_does_not_grow(
    client, acme, alice, bob, password, django_assert_max_num_queries, count
):
    _fill(acme, alice, bob, count)
    client.login(username="alice", password=password)
    params = {"page_size": 100, "ordering": "-criticality", "tag": "", "group": ""}
    # 13, plus the navigation's counts, the bulk bar's members and the saved views; the
    # inventory's figures cost the generation and, the first time, their two aggregates.
    with django_assert_max_num_queries(16):
        response = client.get("/o/acme/assets/", params)
    assert response.status_code == 200
    assert len(response.context["assets"]) >= count
    with django_assert_max_num_queries(14):
        client.get("/o/acme/assets/", params)


@pytest.mark.parametrize("count", [5, 40])
def test_the_api_list_query_count_does_not_grow(api_as, acme, alice, bob, django_assert_num_queries, count):
    _fill(acme, alice, bob, count)
    client = api_as(alice)
    client.get("/api/v1/organizations/acme/assets/", {"page_size": 100})  # the connection's first use
    # The token, the membership and the page: the count and the relations of every row come in
    # the page's own query (core.api.lists), as the benchmark's floor reads them.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/organizations/acme/assets/", {"page_size": 100})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) >= count
    assert any(row["relations"] for row in rows)


@pytest.mark.parametrize("count", [5, 40])
def test_the_export_query_count_does_not_grow(
    client, acme, alice, bob, password, django_assert_max_num_queries, count
):
    _fill(acme, alice, bob, count)
    client.login(username="alice", password=password)
    with django_assert_max_num_queries(10):
        response = client.get("/o/acme/assets/export/", {"format": "xlsx"})
    assert response.status_code == 200
