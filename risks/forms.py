"""Forms of the register and impact assessment pages. They translate fields;
the rules live in the models and services, whose errors are put back on the fields."""

from django import forms
from django.urls import reverse

from assets.lookups import asset_picker_label
from core.registers.forms import (
    MemberChoiceField,
    MemberMultipleChoiceField,
    ServiceErrorsMixin,
    owner_field_limit,
)
from core.widgets import DatePicker, RecordPicker

from .models import (
    EDITABLE_STATUSES,
    ActionStatus,
    Category,
    ImpactAssessment,
    ImpactItem,
    Risk,
    RiskMethodology,
    RiskStatus,
    TreatmentAction,
)
from .selectors import control_picker_label
from .services.methodology import METHODOLOGY_FIELDS
from .services.register import ACCEPTED_STAYS_UNTIL_WITHDRAWN, RISK_FIELDS


def _scale_choices(labels: list[str], *, blank: str | None = None) -> list[tuple]:
    choices = [(str(value), f"{value} — {label}") for value, label in enumerate(labels, start=1)]
    return [("", blank), *choices] if blank is not None else [("", "Choose…"), *choices]


class RiskForm(ServiceErrorsMixin, forms.ModelForm):
    RATINGS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")

    inherent_likelihood = forms.TypedChoiceField(label="Likelihood", coerce=int)
    inherent_impact = forms.TypedChoiceField(label="Impact", coerce=int)
    residual_likelihood = forms.TypedChoiceField(
        label="Likelihood", coerce=int, required=False, empty_value=None
    )
    residual_impact = forms.TypedChoiceField(label="Impact", coerce=int, required=False, empty_value=None)
    assets = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Affected assets",
        help_text="Information and AI assets this risk would hurt: type an identifier or a name to add one.",
        widget=RecordPicker(noun="assets", attrs={"placeholder": "Search assets by identifier or name…"}),
    )
    controls = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Treatment controls",
        help_text="Controls of either standard that treat the risk: type a reference or words of a title.",
        widget=RecordPicker(
            noun="controls", inline=True, attrs={"placeholder": "e.g. 8.28, logging or A.6…"}
        ),
    )

    class Meta:
        model = Risk
        fields = list(RISK_FIELDS)
        field_classes = {"owner": MemberChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "treatment_plan": forms.Textarea(attrs={"rows": 3}),
            "residual_rationale": forms.Textarea(attrs={"rows": 2}),
            "next_review_date": DatePicker(),
        }

    def __init__(self, *args, methodology: RiskMethodology, members, membership, assets, controls, **kwargs):
        super().__init__(*args, **kwargs)
        self.methodology = methodology
        self.fields["category"].widget.attrs["data-risk-category"] = ""
        self.fields["category"].choices = [("", "Choose a category…"), *Category.choices]
        self.fields["ai_harm_area"].choices = [
            ("", "Choose a harm area…"),
            *self.fields["ai_harm_area"].choices[1:],
        ]
        self.fields["treatment"].choices = [("", "Not decided yet"), *self.fields["treatment"].choices[1:]]
        self.fields["next_review_date"].required = False
        self.fields[
            "next_review_date"
        ].help_text = (
            f"Left empty: in {methodology.review_interval_days} days, the methodology's review interval."
        )
        self.fields["threat"].widget.attrs["placeholder"] = "e.g. Ransomware, a curious insider, data drift"
        self.fields["vulnerability"].widget.attrs["placeholder"] = (
            "e.g. Unpatched hypervisor, no input filtering"
        )
        self.fields["threat"].help_text = "What could happen: the event or actor."
        self.fields["vulnerability"].help_text = "The weakness it exploits."

        for name in self.RATINGS:
            labels = (
                methodology.likelihood_labels if name.endswith("likelihood") else methodology.impact_labels
            )
            field = self.fields[name]
            field.choices = _scale_choices(
                labels, blank="Not rated yet" if name.startswith("residual") else None
            )
            field.widget.attrs["data-rating"] = name
        statuses = list(EDITABLE_STATUSES)
        if self.instance.pk and self.instance.is_accepted:
            statuses = [RiskStatus.ACCEPTED, RiskStatus.CLOSED]
            self.fields["status"].help_text = ACCEPTED_STAYS_UNTIL_WITHDRAWN
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]

        owner_field_limit(
            self.fields["owner"],
            members=members,
            membership=membership,
            owner_id=self.instance.owner_id if self.instance.pk else None,
            noun="risk",
            verb="record",
        )

        self.fields["assets"].queryset = assets
        self.fields["assets"].label_from_instance = asset_picker_label
        self.fields["assets"].widget.lookup_url = reverse(
            "assets:picker_lookup", args=[membership.organization.slug]
        )
        self.fields["controls"].queryset = controls
        self.fields["controls"].label_from_instance = control_picker_label
        if self.instance.pk:
            self.initial.setdefault("assets", [link.asset_id for link in self.instance.asset_links.all()])
            self.initial.setdefault(
                "controls", [link.control_id for link in self.instance.control_links.all()]
            )

    def values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        if values.get("category") == Category.INFORMATION_SECURITY:
            # The AI fieldset is hidden for a pure information security risk.
            values["ai_harm_area"] = ""
        return values

    def sections(self):
        def fields(*names):
            return [self[name] for name in names]

        return {
            "risk": fields("title", "description", "category", "owner"),
            "security": fields("threat", "vulnerability"),
            "cia": fields("affects_confidentiality", "affects_integrity", "affects_availability"),
            "ai": fields("ai_harm_area"),
            "inherent": fields("inherent_likelihood", "inherent_impact"),
            "treatment": fields("treatment", "controls", "treatment_plan"),
            "residual": fields("residual_likelihood", "residual_impact", "residual_rationale"),
            "review": fields("status", "next_review_date"),
        }

    def current_category(self) -> str:
        if self.is_bound:
            return self.data.get("category", "")
        return self.initial.get("category") or self.instance.category or ""


class AcceptanceForm(forms.Form):
    justification = forms.CharField(
        label="Why is this risk accepted?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class WithdrawAcceptanceForm(forms.Form):
    reason = forms.CharField(
        label="Why is the acceptance withdrawn?",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Reason (optional)", "aria-label": "Reason"}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Note (optional)", "aria-label": "Review note"}),
    )


class TreatmentActionForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = TreatmentAction
        fields = ["description", "owner", "due_date", "status", "completion_note"]
        field_classes = {"owner": MemberChoiceField}
        widgets = {
            "due_date": DatePicker(),
            "description": forms.TextInput(attrs={"placeholder": "e.g. Patch the hypervisors to 8.0 U3"}),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        self.fields["status"].choices = ActionStatus.choices
        if not self.instance.pk:
            del self.fields["status"]
            del self.fields["completion_note"]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class CompleteActionForm(forms.Form):
    note = forms.CharField(label="What was done", max_length=500, required=False)


class MethodologyForm(ServiceErrorsMixin, forms.ModelForm):
    likelihood_labels = forms.CharField(
        label="Likelihood scale",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One label per line, lowest first; 3 to 7 levels.",
    )
    impact_labels = forms.CharField(
        label="Impact scale",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One label per line, lowest first; 3 to 7 levels.",
    )

    class Meta:
        model = RiskMethodology
        fields = list(METHODOLOGY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name in ("likelihood_labels", "impact_labels"):
                self.initial[name] = "\n".join(getattr(self.instance, name))

    def clean_likelihood_labels(self):
        return [line.strip() for line in self.cleaned_data["likelihood_labels"].splitlines() if line.strip()]

    def clean_impact_labels(self):
        return [line.strip() for line in self.cleaned_data["impact_labels"].splitlines() if line.strip()]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


# --- Impact assessments ---------------------------------------------------------------


class ImpactAssessmentForm(ServiceErrorsMixin, forms.ModelForm):
    ai_system = forms.ModelChoiceField(queryset=None, label="AI system", empty_label="Choose an AI system…")

    class Meta:
        model = ImpactAssessment
        fields = ["owner", "scope", "summary"]
        field_classes = {"owner": MemberChoiceField}
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 4}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"owner": "Lead"}

    def __init__(self, *args, members, membership, ai_systems=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ai_systems is None:
            del self.fields["ai_system"]
        else:
            self.fields["ai_system"].queryset = ai_systems
            self.fields["ai_system"].label_from_instance = lambda a: f"{a.identifier} — {a.name}"
            self.order_fields(["ai_system", "owner", "scope", "summary"])
        owner_field_limit(
            self.fields["owner"],
            members=members,
            membership=membership,
            owner_id=self.instance.owner_id if self.instance.pk else None,
            noun="assessment",
            verb="lead",
        )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ImpactItemForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = ImpactItem
        fields = [
            "area",
            "affected_party",
            "affected_detail",
            "description",
            "severity",
            "likelihood",
            "mitigation",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
        }

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ReviewersForm(forms.Form):
    reviewers = MemberMultipleChoiceField(
        queryset=None,
        required=False,
        label="Reviewers",
        help_text="Members who may review: administrators, compliance officers and contributors.",
        widget=RecordPicker(noun="members", inline=True, attrs={"placeholder": "Type a name…"}),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = members


class ReviewRecordForm(forms.Form):
    comment = forms.CharField(label="Your review", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class SignOffForm(forms.Form):
    note = forms.CharField(
        label="Sign-off note", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class AssetFilterForm(forms.Form):
    """The register's filter by one affected asset: a picker that searches the
    lookup endpoint, never a list of every asset (10,000 options were 90 % of the page)."""

    asset = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Asset",
        widget=RecordPicker(noun="assets", single=True, attrs={"placeholder": "Any asset — type to search…"}),
    )

    def __init__(self, *, assets, chosen: list[int], lookup_url: str):
        super().__init__(initial={"asset": chosen}, auto_id="f-%s")
        field = self.fields["asset"]
        field.queryset = assets
        field.label_from_instance = asset_picker_label
        field.widget.lookup_url = lookup_url
