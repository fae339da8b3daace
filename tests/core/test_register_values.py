"""The write-field guard and the acting membership every register service starts with."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assets.models import Asset
from core.registers.members import acting_membership, member_ids, members_by_handle
from core.registers.values import merge_errors, validation_errors, values_apply


def test_a_field_outside_the_writable_ones_is_refused_and_nothing_is_set():
    asset = Asset(name="Old")
    with pytest.raises(TypeError, match="Not asset fields: criticality_rank, organization"):
        values_apply(
            asset, {"name": "New", "organization": 1, "criticality_rank": 3}, writable={"name"}, noun="asset"
        )
    assert asset.name == "Old"


def test_text_is_trimmed_and_none_on_text_is_empty():
    asset = Asset()
    changed = values_apply(
        asset,
        {"name": "  Mail  ", "description": None, "custodian": None},
        writable={"name", "description", "custodian"},
        noun="asset",
    )
    assert changed == ["name", "description", "custodian"]
    assert (asset.name, asset.description, asset.custodian) == ("Mail", "", None)


def test_without_strip_and_with_defaults():
    asset = Asset()
    values_apply(
        asset,
        {"name": " x ", "location": None},
        writable={"name", "location"},
        noun="asset",
        strip=False,
        defaults={"location": "HQ"},
    )
    assert (asset.name, asset.location) == (" x ", "HQ")


def test_errors_merge_in_order_without_repeats():
    merged = merge_errors({"a": "One."}, {"a": ["One.", "Two."], "b": "Three."})
    assert merged == {"a": ["One.", "Two."], "b": ["Three."]}
    assert validation_errors(ValidationError("Whole.")) == {"non_field_errors": ["Whole."]}
    assert validation_errors(ValidationError({"name": "Bad."})) == {"name": ["Bad."]}


def test_only_members_act_for_an_organization(acme, alice, bob, charlie):
    assert acting_membership(acme, alice).user == alice
    assert acting_membership(acme, bob).user == bob
    with pytest.raises(PermissionDenied, match="Only members of the organization change its risks"):
        acting_membership(acme, charlie, records="risks")
    with pytest.raises(PermissionDenied):
        acting_membership(acme, None)


def test_members_are_named_by_username_or_an_email_no_one_else_has(acme, alice, bob, charlie):
    bob.email = alice.email.upper()
    bob.save(update_fields=["email"])
    handles = members_by_handle(acme)
    assert handles["alice"] == alice and handles["bob"] == bob
    assert alice.email.lower() not in handles  # shared by two members: ambiguous
    assert "charlie" not in handles
    assert member_ids(acme) == {alice.pk, bob.pk}
