"""``core.api.lists.CompiledOnce``: the API lists' JSON columns are compiled once per process
and give what the plain correlated ``Subquery`` gives, in the list and nested elsewhere."""

from unittest import mock

import pytest
from django.db.models import Subquery

from assets.models import Asset, AssetRelation
from assets.serializers import asset_list_linked
from risks.models import Risk
from risks.serializers import risk_list_linked
from tests.factories import AssetFactory


def _plain(linked: dict) -> dict:
    return {name: expression.subquery for name, expression in linked.items()}


def test_the_sql_is_what_the_plain_subquery_compiles_to(acme):
    linked = asset_list_linked()
    assets = Asset.objects.for_organization(acme).order_by("name", "id")
    assert str(assets.values("id", **linked)[:50].query) == str(
        assets.values("id", **_plain(linked))[:50].query
    )
    risks = Risk.objects.for_organization(acme).order_by("number")
    linked = risk_list_linked()
    assert str(risks.values("id", **linked)[:50].query) == str(
        risks.values("id", **_plain(linked))[:50].query
    )


def test_it_is_compiled_once_then_reused(acme):
    linked = asset_list_linked()
    listing = Asset.objects.for_organization(acme).order_by("name")
    str(listing.values("id", **linked).query)  # the first compile, whenever it happened
    for expression in linked.values():
        assert expression.compiled, "nothing was kept"
    with mock.patch.object(Subquery, "resolve_expression", side_effect=AssertionError("compiled again")):
        str(listing.filter(kind="ai_system").values("name", **asset_list_linked())[:5].query)


def test_nested_in_another_query_it_is_resolved_against_that_query(acme, alice):
    model = AssetFactory(organization=acme, owner=alice, name="Model")
    dataset = AssetFactory(organization=acme, owner=alice, name="Dataset")
    AssetRelation.objects.create(organization=acme, source=model, target=dataset, type="trained_on")
    linked = asset_list_linked()["linked_out"]
    # The list as a subquery of another: its table is aliased there, so the cached SQL (which
    # names the table) would read the outer query's row. The model's relations on every row:
    inner = Asset.objects.filter(organization=acme, name="Model").annotate(out=linked).values("out")[:1]
    plain = (
        Asset.objects.filter(organization=acme, name="Model").annotate(out=linked.subquery).values("out")[:1]
    )
    rows = Asset.objects.filter(organization=acme).order_by("name")
    nested = list(rows.annotate(out=Subquery(inner)).values_list("name", "out"))
    assert nested == list(rows.annotate(out=Subquery(plain)).values_list("name", "out"))
    assert [name for name, _ in nested] == ["Dataset", "Model"]
    for _name, out in nested:
        assert [link["other_name"] for link in out] == ["Dataset"]


def test_a_grouped_query_is_refused_and_a_filtered_queryset_too(acme):
    from django.db import NotSupportedError
    from django.db.models import Count

    from core.api.lists import linked_rows

    grouped = Asset.objects.values("kind").annotate(n=Count("id"), out=asset_list_linked()["linked_out"])
    with pytest.raises(NotSupportedError, match="not grouped queries"):
        str(grouped.query)
    with pytest.raises(ValueError, match="unfiltered queryset"):
        linked_rows(AssetRelation.objects.filter(type="uses"), link="source", id="id")
