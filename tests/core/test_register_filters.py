"""The shared filters: owner, "mine", tags, date range and the ranked ordering."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from assets.models import Asset
from core.registers.filters import (
    DateRangeFilter,
    MineFilter,
    OwnerFilter,
    RankedOrderingFilter,
    RegisterFilterSet,
    TagFilter,
)
from tests.factories import AssetFactory, UserFactory


class _Filter(RegisterFilterSet):
    owner = OwnerFilter()
    mine = MineFilter()
    tag = TagFilter()
    updated = DateRangeFilter(field_name="updated_at", datetime=True)
    ordering = RankedOrderingFilter(
        fields=("name", "criticality", "owner", "identifier", "custodian"),
        ranks={"criticality": ["low", "medium", "high", "critical"]},
        sources={"identifier": "name"},
        nulls_last=("custodian",),
        tiebreak=("id",),
    )

    class Meta:
        model = Asset
        fields = []


def _names(data, *, organization, user=None):
    request = RequestFactory().get("/")
    request.user = user
    filterset = _Filter(data, queryset=Asset.objects.for_organization(organization), request=request)
    return [a.name for a in filterset.qs]


@pytest.fixture
def dora(acme):
    return UserFactory(username="dora", email="Dora.Diaz@example.org", first_name="Dora", last_name="Diaz")


def test_the_owner_filter_takes_an_id_a_username_or_an_email(acme, alice, dora):
    AssetFactory(organization=acme, owner=alice, name="Alice's")
    AssetFactory(organization=acme, owner=dora, name="Dora's")
    for value in (str(dora.pk), "dora", "DORA", "dora.diaz@example.org", f"  {dora.pk} "):
        assert _names({"owner": value}, organization=acme) == ["Dora's"], value
    assert _names({"owner": "nobody"}, organization=acme) == []
    assert sorted(_names({"owner": ""}, organization=acme)) == ["Alice's", "Dora's"]


def test_mine_is_what_the_requesting_user_owns(acme, alice, dora):
    AssetFactory(organization=acme, owner=alice, name="Alice's")
    AssetFactory(organization=acme, owner=dora, name="Dora's")
    assert _names({"mine": "true"}, organization=acme, user=dora) == ["Dora's"]
    assert _names({"mine": "false"}, organization=acme, user=dora) == ["Alice's"]


def test_every_tag_given_must_match(acme, alice):
    AssetFactory(organization=acme, owner=alice, name="Both", tags=["pii", "claims"])
    AssetFactory(organization=acme, owner=alice, name="One", tags=["pii"])
    assert sorted(_names({"tag": "PII"}, organization=acme)) == ["Both", "One"]
    assert _names({"tag": "pii, claims"}, organization=acme) == ["Both"]


def test_the_date_range_includes_both_days(acme, alice):
    old = AssetFactory(organization=acme, owner=alice, name="Old")
    AssetFactory(organization=acme, owner=alice, name="New")
    Asset.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=10))
    today = timezone.localdate()
    assert _names({"updated_after": today.isoformat()}, organization=acme) == ["New"]
    before = (today - datetime.timedelta(days=10)).isoformat()
    assert _names({"updated_before": before}, organization=acme) == ["Old"]
    assert _names({"updated_after": before, "updated_before": before}, organization=acme) == ["Old"]


def test_a_ranked_field_sorts_by_its_scale_not_the_alphabet(acme, alice):
    for name, criticality in (("c", "critical"), ("l", "low"), ("h", "high"), ("m", "medium")):
        AssetFactory(organization=acme, owner=alice, name=name, criticality=criticality)
    assert _names({"ordering": "criticality"}, organization=acme) == ["l", "m", "h", "c"]
    assert _names({"ordering": "-criticality"}, organization=acme) == ["c", "h", "m", "l"]


def test_owners_sort_by_name_and_ties_end_on_the_tiebreak(acme, alice, dora):
    zed = UserFactory(username="aaa", first_name="Zed", last_name="Zimmer")
    first = AssetFactory(organization=acme, owner=dora, name="first")
    second = AssetFactory(organization=acme, owner=dora, name="second")
    AssetFactory(organization=acme, owner=alice, name="alice")
    AssetFactory(organization=acme, owner=zed, name="zed")
    assert first.pk < second.pk
    # Alice < Dora < Zed by first name (not by username: "aaa" would come first); Dora's two by id.
    assert _names({"ordering": "owner"}, organization=acme) == ["alice", "first", "second", "zed"]
    # Reversed, the owners reverse; the tiebreak does not, so a page boundary stays put.
    assert _names({"ordering": "-owner"}, organization=acme) == ["zed", "first", "second", "alice"]


def test_a_parameter_may_sort_by_another_column(acme, alice):
    AssetFactory(organization=acme, owner=alice, name="b", identifier="AST-0001")
    AssetFactory(organization=acme, owner=alice, name="a", identifier="AST-0002")
    assert _names({"ordering": "identifier"}, organization=acme) == ["a", "b"]  # by name, as declared
    assert _names({"ordering": "-identifier"}, organization=acme) == ["b", "a"]


def test_empty_values_sort_last_either_way(acme, alice, dora):
    AssetFactory(organization=acme, owner=alice, name="none", custodian=None)
    low = AssetFactory(organization=acme, owner=alice, name="low", custodian=alice)
    high = AssetFactory(organization=acme, owner=alice, name="high", custodian=dora)
    assert low.custodian_id < high.custodian_id
    assert _names({"ordering": "custodian"}, organization=acme) == ["low", "high", "none"]
    assert _names({"ordering": "-custodian"}, organization=acme) == ["high", "low", "none"]
