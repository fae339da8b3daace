"""The scoped related fields of the API: another organization's record is "not found"."""

from rest_framework import serializers

from assets.models import Asset
from core.registers.serializers import MemberField, OrganizationRecordField
from tests.factories import AssetFactory


class _LinkSerializer(serializers.Serializer):
    asset = OrganizationRecordField(model=Asset)
    first = OrganizationRecordField(model=Asset, write_once=True, required=False)
    owner = MemberField(required=False)


def test_only_records_of_the_organization_are_accepted(acme, globex, alice, charlie):
    ours = AssetFactory(organization=acme, owner=alice)
    theirs = AssetFactory(organization=globex, owner=charlie)
    context = {"organization": acme}
    assert _LinkSerializer(data={"asset": ours.pk}, context=context).is_valid()
    refused = _LinkSerializer(data={"asset": theirs.pk}, context=context)
    assert not refused.is_valid()
    assert "does not exist" in str(refused.errors["asset"][0])
    assert not _LinkSerializer(data={"asset": ours.pk}, context={}).is_valid()  # no organization, nothing


def test_a_write_once_field_is_ignored_when_changing(acme, alice):
    first, other = AssetFactory(organization=acme, owner=alice), AssetFactory(organization=acme, owner=alice)
    context = {"organization": acme}
    created = _LinkSerializer(data={"asset": first.pk, "first": first.pk}, context=context)
    assert created.is_valid() and created.validated_data["first"] == first
    changed = _LinkSerializer(instance=object(), data={"asset": first.pk, "first": other.pk}, context=context)
    assert changed.is_valid() and "first" not in changed.validated_data


def test_a_member_is_named_by_username_or_email(acme, alice, charlie):
    context = {"organization": acme}
    assert _LinkSerializer(
        data={"asset": AssetFactory(organization=acme, owner=alice).pk, "owner": "ALICE"}, context=context
    ).is_valid()
    refused = _LinkSerializer(data={"owner": "charlie"}, context=context)
    assert not refused.is_valid()
    assert refused.errors["owner"] == ["No member of this organization has the username or email “charlie”."]
