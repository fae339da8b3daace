"""Registering and changing assets: identifiers, owners, custodians."""

import pytest
from django.core.exceptions import ValidationError

from assets import services
from assets.models import Asset
from tests.factories import AssetFactory, UserFactory


def _create(organization, actor, **values):
    return services.asset_create(
        organization=organization, actor=actor, values={"owner": actor, "kind": "hardware", **values}
    )


def test_identifiers_are_given_in_sequence_after_the_highest(acme, alice):
    AssetFactory(organization=acme, owner=alice, identifier="AST-0041")
    AssetFactory(organization=acme, owner=alice, identifier="AST-SPECIAL-LONG-NAME")
    assert _create(acme, alice, name="Next").identifier == "AST-0042"
    assert _create(acme, alice, name="After").identifier == "AST-0043"


def test_identifiers_are_counted_per_organization(acme, globex, alice, charlie):
    AssetFactory(organization=acme, owner=alice, identifier="AST-0007")
    assert _create(globex, charlie, name="Globex server").identifier == "AST-0001"


def test_an_identifier_is_unique_in_an_organization_whatever_its_case(acme, globex, alice, charlie):
    _create(acme, alice, name="One", identifier="SRV-1")
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, name="Two", identifier="srv-1")
    assert caught.value.message_dict == {
        "identifier": ["Another asset of this organization already has this identifier."]
    }
    assert _create(globex, charlie, name="Same id elsewhere", identifier="SRV-1").pk


def test_an_identifier_with_spaces_is_refused(acme, alice):
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, name="Bad", identifier="AST 1")
    assert "identifier" in caught.value.message_dict


def test_the_owner_and_custodian_must_be_members(acme, alice):
    outsider = UserFactory(username="outsider")
    with pytest.raises(ValidationError) as caught:
        services.asset_create(
            organization=acme,
            actor=alice,
            values={"kind": "site", "name": "Office", "owner": outsider, "custodian": outsider},
        )
    assert caught.value.message_dict == {
        "owner": ["The owner must be a member of this organization."],
        "custodian": ["The custodian must be a member of this organization."],
    }
    assert not Asset.objects.exists()


def test_an_edit_keeps_the_identifier_and_saves_the_change(acme, alice, bob, acme_server):
    asset = services.asset_update(
        asset=acme_server, actor=alice, values={"name": "Acme web server (primary)", "custodian": bob}
    )
    asset.refresh_from_db()
    assert asset.identifier == "AST-0001"
    assert asset.name == "Acme web server (primary)"
    assert asset.custodian == bob


def test_deleting_an_asset_removes_its_relations_and_keeps_their_history(acme, alice, acme_server, acme_ai):
    relation = services.asset_relation_create(
        organization=acme, actor=alice, source=acme_ai, target=acme_server, type="hosted_on"
    )
    asset_id, relation_id = acme_server.pk, relation.pk
    services.asset_delete(asset=acme_server, actor=alice)
    assert not Asset.objects.filter(pk=asset_id).exists()
    deleted = Asset.history.filter(id=asset_id, history_type="-").get()
    assert deleted.history_user == alice
    assert deleted.name == "Acme web server"
    relation_deleted = type(relation).history.filter(id=relation_id, history_type="-").get()
    assert relation_deleted.history_user == alice
