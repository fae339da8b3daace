"""Forms of the inventory pages. They translate fields; the rules live in the
model and the services, whose errors are put back on the fields."""

from django import forms

from core.registers.forms import MemberChoiceField, ServiceErrorsMixin, owner_field_limit

from .models import (
    AI_FIELDS,
    AI_KINDS,
    AI_REQUIRED_FIELDS,
    RELATION_INVERSE_LABELS,
    Asset,
    AssetGroup,
    AssetKind,
    RelationType,
)

SECTIONS = [
    ("Identification", "bi-tag", ["kind", "identifier", "name", "description", "tags"]),
    ("Ownership", "bi-person-check", ["owner", "custodian", "location", "lifecycle_status"]),
    (
        "Classification and impact",
        "bi-shield-lock",
        ["classification", "criticality", "confidentiality", "integrity", "availability"],
    ),
]
AI_SECTIONS = [
    ("Role and model", ["ai_role", "ai_model_type", "ai_vendor", "ai_version", "ai_lifecycle_stage"]),
    (
        "Purpose and data",
        ["ai_intended_purpose", "ai_data_provenance", "ai_data_licence", "ai_personal_data"],
    ),
    ("Oversight and regulation", ["ai_automation_level", "ai_human_oversight", "ai_risk_class"]),
]


def _kind_choices():
    information = [(k.value, k.label) for k in AssetKind if k not in AI_KINDS]
    ai = [(k.value, k.label) for k in AssetKind if k in AI_KINDS]
    return [("", "Choose a kind…"), (AssetGroup.INFORMATION.label, information), (AssetGroup.AI.label, ai)]


class AssetForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Asset
        fields = [name for _, _, names in SECTIONS for name in names] + list(AI_FIELDS)
        field_classes = {"owner": MemberChoiceField, "custodian": MemberChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "ai_intended_purpose": forms.Textarea(attrs={"rows": 3}),
            "ai_data_provenance": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, members, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["kind"].choices = _kind_choices()
        self.fields["kind"].widget.attrs["data-asset-kind"] = ""
        self.fields["identifier"].widget.attrs["placeholder"] = "Given automatically, e.g. AST-0042"
        self.fields["tags"].widget.attrs["placeholder"] = "e.g. pii, claims, production"
        self.fields["criticality"].choices = [
            ("", "Derived from the ratings"),
            *Asset._meta.get_field("criticality").choices,
        ]
        owner_field_limit(
            self.fields["owner"],
            members=members,
            membership=membership,
            owner_id=self.instance.owner_id if self.instance.pk else None,
            noun="asset",
            verb="register",
        )
        custodian = self.fields["custodian"]
        custodian.queryset = members
        custodian.empty_label = "No separate custodian"
        for name in AI_FIELDS:
            field = self.fields[name]
            field.required = False
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and field.choices:
                field.choices = [("", "Not set"), *[c for c in field.choices if c[0] != ""]]

    def sections(self):
        return [(title, icon, [self[name] for name in names]) for title, icon, names in SECTIONS]

    def current_kind(self) -> str:
        if self.is_bound:
            return self.data.get("kind", "")
        return self.initial.get("kind") or self.instance.kind or ""

    def ai_sections(self):
        """AI fields by section, each with the kinds that require it and whether the current kind does."""
        kind = self.current_kind()
        sections = []
        for title, names in AI_SECTIONS:
            rows = []
            for name in names:
                kinds = [k for k, required in AI_REQUIRED_FIELDS.items() if name in required]
                rows.append((self[name], " ".join(kinds), kind in kinds))
            sections.append((title, rows))
        return sections

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class RelationAddForm(forms.Form):
    """Links this asset to another one, in either direction."""

    relation = forms.ChoiceField(label="Relation")
    asset = forms.CharField(label="Asset", max_length=260, help_text="Identifier or name.")
    note = forms.CharField(label="Note", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [
            ("This asset…", [(f"out:{value}", label) for value, label in RelationType.choices]),
            (
                "The other asset…",
                [(f"in:{value}", RELATION_INVERSE_LABELS[value]) for value in RelationType.values],
            ),
        ]
        self.fields["asset"].widget.attrs.update(
            {"list": "relation-asset-options", "autocomplete": "off", "placeholder": "AST-0042 or a name"}
        )

    @property
    def direction_and_type(self) -> tuple[bool, str]:
        direction, relation_type = self.cleaned_data["relation"].split(":", 1)
        return direction == "out", relation_type
