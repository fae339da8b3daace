"""The list page pieces every register shares: page sizes and the active-filter count."""

import pytest
from django.http import QueryDict

from assets.filters import AssetFilter
from assets.models import Asset
from core.registers.lists import DEFAULT_PAGE_SIZE, PAGE_SIZES, page_size_parse


@pytest.mark.parametrize("size", PAGE_SIZES)
def test_an_offered_page_size_is_taken(size):
    assert page_size_parse(str(size)) == size


@pytest.mark.parametrize("value", [None, "", "abc", "0", "-25", "51", "10000", "25.0"])
def test_anything_else_falls_back_to_the_default(value):
    assert page_size_parse(value) == DEFAULT_PAGE_SIZE
    assert page_size_parse(value, default=100) == 100


def test_the_active_filter_count_counts_filters_set_not_ordering_or_empty_ones(acme):
    params = QueryDict("search=db&kind=software&kind=hardware&owner=&ordering=-name&updated_after=2026-01-01")
    filterset = AssetFilter(params, queryset=Asset.objects.none(), organization=acme)
    assert filterset.active_filter_count() == 3  # search, kind (twice, one filter), updated


def test_an_unbound_filterset_has_no_active_filter(acme):
    assert AssetFilter(None, queryset=Asset.objects.none(), organization=acme).active_filter_count() == 0


def test_a_list_page_shows_the_shared_skeleton_and_counts(client, acme, alice, password):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/assets/", {"search": "nothing like it", "page_size": "13"})
    assert response.status_code == 200
    assert response.context["page_size"] == DEFAULT_PAGE_SIZE
    assert response.context["active_filter_count"] == 1
    html = response.content.decode()
    assert "No assets yet" in html  # an empty register, whatever the filters
    assert 'data-testid="asset-filters"' in html
