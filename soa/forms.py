"""The SoA's forms: they parse what a person types; the services validate it
(``core.registers.forms.ServiceErrorsMixin`` puts their errors back on the fields)."""

from django import forms

from core.registers.forms import MemberChoiceField, ServiceErrorsMixin, owner_field_limit
from core.widgets import DatePicker

from .models import STORED_REASON_KINDS, ImplementationStatus, SoAEntry

APPLICABILITY_CHOICES = [("", "Undecided"), ("true", "Applicable"), ("false", "Not applicable")]
_APPLICABLE_VALUES = {"": None, "true": True, "false": False}


def _applicable_initial(value) -> str:
    return {True: "true", False: "false"}.get(value, "")


class SoAEntryForm(ServiceErrorsMixin, forms.ModelForm):
    """One row, edited in place: the decision, a note per recorded reason, status and owner."""

    applicable = forms.ChoiceField(label="Applicability", choices=APPLICABILITY_CHOICES, required=False)
    owner = MemberChoiceField(queryset=None, required=False, label="Owner", empty_label="Nobody yet")

    class Meta:
        model = SoAEntry
        fields = [
            "applicable",
            "exclusion_justification",
            "status",
            "target_date",
            "owner",
            "implementation_notes",
            "evidence_location",
        ]
        widgets = {
            "target_date": DatePicker(),
            "exclusion_justification": forms.Textarea(attrs={"rows": 2}),
            "implementation_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, members, membership, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        self.initial["applicable"] = _applicable_initial(entry.applicable)
        owner_field_limit(
            self.fields["owner"],
            members=members,
            membership=membership,
            owner_id=entry.owner_id,
            noun="SoA row",
            verb="change",
        )
        self.fields["owner"].initial = entry.owner_id
        self.fields["owner"].required = False
        stored = {r.kind: r.note for r in entry.reasons.all()}
        for kind in STORED_REASON_KINDS:
            self.fields[f"reason_{kind.value}"] = forms.CharField(
                label=kind.label,
                required=False,
                max_length=500,
                initial=stored.get(kind.value, ""),
                widget=forms.TextInput(attrs={"placeholder": "Why, if this is a reason"}),
            )

    @property
    def reason_fields(self):
        return [self[f"reason_{kind.value}"] for kind in STORED_REASON_KINDS]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields if name != "applicable"}
        values["applicable"] = _APPLICABLE_VALUES[data["applicable"]]
        return values

    def reasons(self) -> list[dict]:
        return [
            {"kind": kind.value, "note": note}
            for kind in STORED_REASON_KINDS
            if (note := self.cleaned_data.get(f"reason_{kind.value}", "").strip())
        ]


class SoABulkForm(forms.Form):
    """What to set on every selected row; a field left empty is left as it is."""

    status = forms.ChoiceField(
        label="Status", choices=[("", "Status: keep"), *ImplementationStatus.choices], required=False
    )
    owner = MemberChoiceField(queryset=None, required=False, label="Owner", empty_label="Owner: keep")
    applicable = forms.ChoiceField(
        label="Applicability",
        choices=[("", "Applicability: keep"), ("true", "Applicable"), ("false", "Not applicable")],
        required=False,
    )
    exclusion_justification = forms.CharField(
        label="Justification for exclusion",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Required when excluding"}),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members

    def values(self) -> dict:
        """The values every selected row gets (only the fields that were filled in)."""
        data = self.cleaned_data
        values = {}
        if data["status"]:
            values["status"] = data["status"]
        if data["owner"] is not None:
            values["owner"] = data["owner"]
        if data["applicable"]:
            values["applicable"] = _APPLICABLE_VALUES[data["applicable"]]
            if values["applicable"] is False:
                values["exclusion_justification"] = data["exclusion_justification"]
        return values

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("status", "owner", "applicable")):
            raise forms.ValidationError("Choose what to change: a status, an owner or the applicability.")
        return data


class SoAApproveForm(forms.Form):
    change_summary = forms.CharField(
        label="Change summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What this version changes, for the approver's record and the auditor.",
    )
