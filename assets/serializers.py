import functools

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.lists import DateTimeText, linked_rows, person_name
from core.fields import TAG_MAX_LENGTH, TAGS_MAX_COUNT
from core.registers.serializers import MemberField, OrganizationRecordField, OwnerDefaultMixin

from . import selectors
from .models import (
    AI_FIELDS,
    KIND_GROUP,
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


#: The columns an asset list reads (``AssetViewSet.list``, ``core.api.lists``).
ASSET_LIST_VALUES = (
    "id",
    "identifier",
    "name",
    "kind",
    "description",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "custodian__username",
    "location",
    "classification",
    "confidentiality",
    "integrity",
    "availability",
    "criticality",
    "lifecycle_status",
    "tags",
    *AI_FIELDS,
    "created_at",
    "updated_at",
)
_ASSET_PLAIN_COLUMNS = (
    "location",
    "classification",
    "confidentiality",
    "integrity",
    "availability",
    "criticality",
    "lifecycle_status",
)


def asset_list_rows(values: list[dict]) -> list[dict]:
    """``AssetSerializer(asset).data`` for each ``.values()`` dict of ``ASSET_LIST_VALUES``
    and ``asset_list_linked()``, whose relations came in the page's own query.
    ``tests/assets/test_api_list_rows.py`` holds it equal to the serializer, item by item."""
    when = DateTimeText()
    rows = []
    for value in values:
        row = {
            "id": value["id"],
            "identifier": value["identifier"],
            "name": value["name"],
            "kind": value["kind"],
            "group": str(KIND_GROUP.get(value["kind"], AssetGroup.INFORMATION)),
            "description": value["description"],
            "owner": value["owner__username"],
            "owner_name": person_name(
                value["owner__first_name"], value["owner__last_name"], value["owner__username"]
            ),
            "custodian": value["custodian__username"],
        }
        for name in _ASSET_PLAIN_COLUMNS:
            row[name] = value[name]
        row["tags"] = [str(tag) for tag in value["tags"]]
        for name in AI_FIELDS:
            row[name] = value[name]
        row["relations"] = _relations_of_row(value["linked_out"], value["linked_in"])
        row["created_at"] = when(value["created_at"])
        row["updated_at"] = when(value["updated_at"])
        rows.append(row)
    return rows


_BRIEF = {"id": "id", "identifier": "identifier", "name": "name", "kind": "kind"}


def asset_list_linked() -> dict:
    """The page's JSON columns: built once, so that their SQL is compiled once (``CompiledOnce``)."""
    return dict(_asset_list_linked())


@functools.cache
def _asset_list_linked() -> dict:
    """Each asset's relations, both directions, as JSON arrays built in the page's query."""
    relations = AssetRelation.objects.all()
    out = {f"other_{key}": f"target__{column}" for key, column in _BRIEF.items()}
    into = {f"other_{key}": f"source__{column}" for key, column in _BRIEF.items()}
    common = {"id": "id", "type": "type", "note": "note"}
    return {
        "linked_out": linked_rows(relations, link="source", **common, **out),
        "linked_in": linked_rows(relations, link="target", **common, **into),
    }


_RELATION_ORDER = {value: index for index, value in enumerate(RelationType.values)}
_RELATION_LABELS = {
    "outgoing": {value: str(label) for value, label in RelationType.choices},
    "incoming": {value: str(label) for value, label in RELATION_INVERSE_LABELS.items()},
}


def _relations_of_row(outgoing: list[dict] | None, incoming: list[dict] | None) -> list[dict]:
    """The relations as ``get_relations`` answers them: outgoing first, each direction by
    type, then the other asset's name."""
    entries = []
    for direction, links in (("outgoing", outgoing or ()), ("incoming", incoming or ())):
        for link in links:
            kind = link["type"]
            entries.append(
                (
                    (direction == "incoming", _RELATION_ORDER[kind], link["other_name"], link["id"]),
                    {
                        "id": link["id"],
                        "type": kind,
                        "direction": direction,
                        "label": _RELATION_LABELS[direction][kind],
                        "asset": {key: link[f"other_{key}"] for key in _BRIEF},
                        "note": link["note"],
                    },
                )
            )
    return [entry for _, entry in sorted(entries, key=lambda e: e[0])]


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
