from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import TAG_MAX_LENGTH, TAGS_MAX_COUNT
from core.registers.serializers import MemberField, OrganizationRecordField, OwnerDefaultMixin

from . import selectors
from .models import (
    AI_FIELDS,
    RELATION_INVERSE_LABELS,
    Asset,
    AssetGroup,
    AssetRelation,
    RelationType,
)

_DATETIME = serializers.DateTimeField()


class AssetBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Asset
        fields = ["id", "identifier", "name", "kind"]


class AssetRelationLinkSerializer(serializers.Serializer):
    """A relation as seen from one of its assets."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=RelationType.choices)
    direction = serializers.ChoiceField(
        choices=[("outgoing", "outgoing"), ("incoming", "incoming")],
        help_text="outgoing: this asset <type> the other; incoming: the other <type> this asset.",
    )
    label = serializers.CharField(help_text="How it reads from this asset, e.g. “Uses” or “Used by”.")
    asset = AssetBriefSerializer(help_text="The asset at the other end.")
    note = serializers.CharField()


class AssetSerializer(OwnerDefaultMixin, serializers.ModelSerializer):
    owner = MemberField(
        required=False,
        help_text="Username or email of the member accountable for it; you when left out.",
    )
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    custodian = MemberField(required=False, allow_null=True, help_text="Username or email of a member.")
    group = serializers.ChoiceField(choices=AssetGroup.choices, read_only=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        max_length=TAGS_MAX_COUNT,
        required=False,
        help_text='Short tags, e.g. ["pii", "claims"].',
    )
    relations = serializers.SerializerMethodField(help_text="Links to other assets, both directions.")

    class Meta:
        model = Asset
        fields = [
            "id",
            "identifier",
            "name",
            "kind",
            "group",
            "description",
            "owner",
            "owner_name",
            "custodian",
            "location",
            "classification",
            "confidentiality",
            "integrity",
            "availability",
            "criticality",
            "lifecycle_status",
            "tags",
            *AI_FIELDS,
            "relations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness and the per-kind rules are the services' to check, for every entry point alike.
        validators = []
        extra_kwargs = {"identifier": {"required": False}}

    def to_representation(self, asset):
        """The asset as ``ModelSerializer`` would answer it, built directly.

        A list of 500 assets spent most of its time walking 40 field objects per row;
        the declared fields still describe the schema and read what is written.
        ``tests/assets/test_api_fast_rows.py`` holds this equal to the generic path.
        """
        owner, custodian = asset.owner, asset.custodian
        row = {
            "id": asset.pk,
            "identifier": asset.identifier,
            "name": asset.name,
            "kind": asset.kind,
            "group": str(asset.group),
            "description": asset.description,
            "owner": owner.username if owner is not None else None,
            "owner_name": owner.display_name if owner is not None else None,
            "custodian": custodian.username if custodian is not None else None,
            "location": asset.location,
            "classification": asset.classification,
            "confidentiality": asset.confidentiality,
            "integrity": asset.integrity,
            "availability": asset.availability,
            "criticality": asset.criticality,
            "lifecycle_status": asset.lifecycle_status,
            "tags": [str(tag) for tag in asset.tags],
        }
        for name in AI_FIELDS:
            row[name] = getattr(asset, name)
        row["relations"] = self.get_relations(asset)
        row["created_at"] = _DATETIME.to_representation(asset.created_at)
        row["updated_at"] = _DATETIME.to_representation(asset.updated_at)
        return row

    @extend_schema_field(AssetRelationLinkSerializer(many=True))
    def get_relations(self, asset):
        # Plain dicts: a serializer per relation cost more than the rest of the row.
        return [
            {
                "id": view.relation.pk,
                "type": view.relation.type,
                "direction": "outgoing" if view.outgoing else "incoming",
                "label": str(view.label),
                "asset": _brief(view.other),
                "note": view.relation.note,
            }
            for view in selectors.relations_of(asset)
        ]


def _brief(asset: Asset) -> dict:
    """``AssetBriefSerializer(asset).data``, without building a serializer."""
    return {"id": asset.pk, "identifier": asset.identifier, "name": asset.name, "kind": asset.kind}


class RelationDraftSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=RelationType.choices)
    target = serializers.CharField(
        max_length=40, help_text="Identifier of the target: another item of the request or an existing asset."
    )


class AssetBulkItemSerializer(AssetSerializer):
    relations = RelationDraftSerializer(
        many=True, required=False, help_text="Outgoing links of this item, by target identifier."
    )

    # An item is read back field by field (its ``relations`` are drafts, not links).
    to_representation = serializers.ModelSerializer.to_representation

    class Meta(AssetSerializer.Meta):
        fields = [f for f in AssetSerializer.Meta.fields if f not in {"id", "created_at", "updated_at"}]


class AssetRelationSerializer(serializers.ModelSerializer):
    # Only this organization's assets can be named; another's id is "not found".
    source = OrganizationRecordField(model=Asset, help_text="Id of the asset the link starts from.")
    target = OrganizationRecordField(model=Asset, help_text="Id of the asset it points to.")
    source_asset = AssetBriefSerializer(source="source", read_only=True)
    target_asset = AssetBriefSerializer(source="target", read_only=True)
    label = serializers.SerializerMethodField(help_text="How it reads, e.g. “Uses”.")
    inverse_label = serializers.SerializerMethodField(
        help_text="How it reads from the target, e.g. “Used by”."
    )

    class Meta:
        model = AssetRelation
        fields = [
            "id",
            "source",
            "target",
            "type",
            "note",
            "label",
            "inverse_label",
            "source_asset",
            "target_asset",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators = []

    def get_label(self, relation) -> str:
        return relation.get_type_display()

    def get_inverse_label(self, relation) -> str:
        return RELATION_INVERSE_LABELS[relation.type]
