"""The asset and risk API lists read their count in the page's own query
(``core.api.pagination.CountInPagePaginator``); every page, the last, one past it and an
empty list answer as Django's paginator does."""

from assets.models import Asset
from core.api.lists import CountedValues
from core.api.pagination import CountInPagePaginator
from risks.models import RiskAsset
from tests.factories import AssetFactory, RiskFactory

ASSETS = "/api/v1/organizations/acme/assets/"


def test_pages_counts_and_the_end(api_as, acme, globex, alice, django_assert_num_queries):
    for i in range(7):
        AssetFactory(organization=acme, owner=alice, name=f"Asset {i}")
    AssetFactory(organization=globex, name="Not ours")
    client = api_as(alice)
    client.get(ASSETS)  # the connection's first use

    with django_assert_num_queries(3):  # the token, the membership, the page with its count
        first = client.get(ASSETS, {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert first["next"].endswith("page=2&page_size=3") and first["previous"] is None

    third = client.get(ASSETS, {"page_size": 3, "page": 3}).json()
    assert third["count"] == 7 and [a["name"] for a in third["results"]] == ["Asset 6"]
    assert third["next"] is None
    assert client.get(ASSETS, {"page_size": 3, "page": "last"}).json() == third

    past = client.get(ASSETS, {"page_size": 3, "page": 4})
    assert past.status_code == 404 and "Invalid page" in past.json()["detail"]

    empty = client.get(ASSETS, {"search": "nothing of that name"})
    assert empty.status_code == 200
    assert empty.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get(ASSETS, {"search": "nothing of that name", "page": 2}).status_code == 404


def test_a_list_filtered_through_a_join_counts_each_record_once(api_as, acme, alice):
    server, laptop = (AssetFactory(organization=acme, owner=alice, name=n) for n in ("Server", "Laptop"))
    for i in range(4):
        risk = RiskFactory(organization=acme, owner=alice, title=f"Risk {i}")
        RiskAsset.objects.create(organization=acme, risk=risk, asset=server)
        if i % 2:
            RiskAsset.objects.create(organization=acme, risk=risk, asset=laptop)
    client = api_as(alice)
    answer = client.get("/api/v1/organizations/acme/risks/", {"asset": laptop.pk, "page_size": 1}).json()
    assert answer["count"] == 2 and len(answer["results"]) == 1
    answer = client.get("/api/v1/organizations/acme/risks/", {"asset": server.identifier}).json()
    assert answer["count"] == 4 == len(answer["results"])


def test_a_distinct_list_is_counted_by_its_own_query(acme, alice, django_assert_num_queries):
    server = AssetFactory(organization=acme, owner=alice, name="Server")
    for i in range(3):
        risk = RiskFactory(organization=acme, owner=alice, title=f"Risk {i}")
        RiskAsset.objects.create(organization=acme, risk=risk, asset=server)
    # Each asset once per risk linked to it: three rows of one asset, one once DISTINCT.
    linked = Asset.objects.filter(organization=acme, risk_links__isnull=False).order_by("name").distinct()
    values = CountedValues(linked, ("id", "name"))
    assert values.page_with_count(0, 10) is None
    with django_assert_num_queries(2):  # Django's own path: the count, then the page
        page = CountInPagePaginator(values, 10).page(1)
    assert page.paginator.count == 1 and [row["name"] for row in page] == ["Server"]
