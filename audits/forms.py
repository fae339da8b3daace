"""Forms of the audit programme's pages. They parse fields; the rules live in
``audits.services``, whose errors are put back on the fields."""

from django import forms
from django.urls import reverse

from assets.lookups import asset_picker_label
from controls.models import ControlGroup, Framework
from core.registers.forms import (
    MemberChoiceField,
    MemberMultipleChoiceField,
    ServiceErrorsMixin,
    owner_field_limit,
)
from core.registers.members import member_label
from core.widgets import RecordPicker

from .models import (
    ActionStatus,
    Audit,
    AuditType,
    CorrectiveAction,
    ManagementReview,
    Result,
    Severity,
    Verification,
)

DATE = {"type": "date"}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def _theme_label(group: ControlGroup) -> str:
    return f"{group.framework.short_name} {group.reference} {group.title}"


def standards() -> list[Framework]:
    """The management-system standards an audit can cover (those with clauses), in catalogue order."""
    return list(Framework.objects.filter(clauses__isnull=False).distinct().order_by("order", "code"))


class AuditForm(ServiceErrorsMixin, forms.ModelForm):
    """Plan or change an audit: scope, objectives, dates, lead and team, SoA version."""

    frameworks = forms.MultipleChoiceField(
        label="Standards audited",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Both: one combined audit, one checklist item for each clause the standards share.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Limited to themes or objectives",
        help_text="Annex A themes (27001) or objectives (42001); none: every applicable control.",
        widget=RecordPicker(noun="themes", inline=True, attrs={"placeholder": "e.g. A.5, people, A.6…"}),
    )
    assets = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Limited to assets",
        help_text="Systems, sites or AI systems the audit looks at: type an identifier or a name.",
        widget=RecordPicker(noun="assets", attrs={"placeholder": "Search assets by identifier or name…"}),
    )
    team = MemberMultipleChoiceField(
        queryset=None,
        required=False,
        label="Audit team",
        help_text="Members who record results with the lead, external auditors (auditor role) included.",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    soa_version = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="SoA version audited",
        empty_label="The latest approved version when the audit starts",
        help_text="Fixed when the audit starts.",
    )

    class Meta:
        model = Audit
        fields = ["title", "type", "objectives", "criteria", "planned_start", "planned_end", "lead_auditor"]
        field_classes = {"lead_auditor": MemberChoiceField}
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 3}),
            "planned_start": _date_widget(),
            "planned_end": _date_widget(),
        }

    def __init__(self, *args, organization, members, themes, assets, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frameworks"].choices = [(f.code, f.short_name) for f in standards()]
        self.fields["type"].choices = AuditType.choices
        self.fields["lead_auditor"].queryset = members
        self.fields["team"].queryset = members
        roles = {m.user_id: m.get_role_display() for m in organization.memberships.all()}
        # The role beside each name: an external auditor is a member with the auditor role.
        self.fields["team"].label_from_instance = lambda u: f"{member_label(u)} · {roles.get(u.pk, '')}"
        self.fields["themes"].queryset = themes
        self.fields["themes"].label_from_instance = _theme_label
        self.fields["assets"].queryset = assets
        self.fields["assets"].label_from_instance = asset_picker_label
        self.fields["assets"].widget.lookup_url = reverse("assets:picker_lookup", args=[organization.slug])
        self.fields["soa_version"].queryset = versions
        self.fields["soa_version"].label_from_instance = lambda v: (
            f"Version {v.number}, approved {v.approved_at:%d %b %Y}"
        )
        self.fields["objectives"].widget.attrs["placeholder"] = (
            "e.g. Confirm the ISMS and AIMS conform to both standards before the stage 2 audit."
        )
        self.fields["criteria"].widget.attrs["placeholder"] = (
            "e.g. ISO/IEC 27001:2022, ISO/IEC 42001:2023, the information security policy, the SoA."
        )
        audit = self.instance
        if audit.pk:
            self.initial.setdefault("frameworks", list(audit.frameworks))
            self.initial.setdefault("team", [m.user_id for m in audit.team_members.all()])
            self.initial.setdefault("themes", [g.pk for g in audit.themes.all()])
            self.initial.setdefault("assets", [a.pk for a in audit.assets.all()])
            self.initial.setdefault("soa_version", audit.soa_version_id)
            if audit.status != "planned":
                # The scope is fixed once the audit has started (the service refuses a change).
                for name in ("frameworks", "themes", "soa_version"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Fixed: the audit has started."

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.Meta.fields}
        if not self.fields["frameworks"].disabled:
            values["frameworks"] = list(data.get("frameworks") or [])
            values["soa_version"] = data.get("soa_version")
        return values

    def scope_lists(self) -> dict:
        data = self.cleaned_data
        return {
            "team": list(data.get("team") or []),
            "themes": None if self.fields["themes"].disabled else list(data.get("themes") or []),
            "assets": list(data.get("assets") or []),
        }


class ChecklistResultForm(ServiceErrorsMixin, forms.Form):
    """An item's result, notes and evidence references, recorded inline on the checklist."""

    result = forms.ChoiceField(
        choices=[("", "Not recorded"), *Result.choices], required=False, label="Result"
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Notes",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Evidence references",
        help_text="Documents, records or interviews seen, one per line.",
    )


class EvidenceUploadForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Evidence file",
        help_text="PDF, PNG, JPEG, text, CSV, XLSX or DOCX, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.txt,.csv,.xlsx,.docx"}),
    )


class FindingForm(ServiceErrorsMixin, forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices, label="Severity")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Description",
        help_text="What was found, against which requirement, and the evidence that shows it.",
    )


class CorrectiveActionForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["root_cause", "action", "owner", "due_date", "status"]
        field_classes = {"owner": MemberChoiceField}
        widgets = {
            "root_cause": forms.Textarea(attrs={"rows": 3}),
            "action": forms.Textarea(attrs={"rows": 3}),
            "due_date": _date_widget(),
        }

    def __init__(self, *args, members, membership, for_finding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        if self.instance.pk:
            # Its owner changes its progress; only officers hand it to someone else.
            owner_field_limit(
                self.fields["owner"],
                members=members,
                membership=membership,
                owner_id=self.instance.owner_id,
                noun="action",
                verb="own",
            )
        self.fields["status"].choices = ActionStatus.choices
        self.fields["root_cause"].required = for_finding
        self.fields["root_cause"].help_text = (
            "Why the nonconformity happened (10.2 b): the cause, not the symptom."
            if for_finding
            else "Optional for a review action."
        )
        self.fields["action"].help_text = "What will be done so that it does not happen again."
        if not self.instance.pk:
            del self.fields["status"]
        if not for_finding:
            self.fields["root_cause"].label = "Background"

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class VerificationForm(ServiceErrorsMixin, forms.Form):
    result = forms.ChoiceField(
        choices=Verification.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        label="Was the action effective?",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Notes",
        help_text="The evidence of effectiveness; required when it was not effective.",
    )


class ManagementReviewForm(ServiceErrorsMixin, forms.ModelForm):
    field_order = ["date", "attendees", "inputs_comments", "changes_in_context", "opportunities", "decisions"]

    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "One name per line"}),
        required=False,
        label="Attendees",
        help_text="One per line, e.g. “Alice Archer, CEO”.",
    )

    class Meta:
        model = ManagementReview
        fields = ["date", "inputs_comments", "changes_in_context", "opportunities", "decisions"]
        widgets = {
            "date": _date_widget(),
            "inputs_comments": forms.Textarea(attrs={"rows": 3}),
            "changes_in_context": forms.Textarea(attrs={"rows": 3}),
            "opportunities": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = "The inputs are taken from the organization's data as of this day."
        self.fields[
            "decisions"
        ].help_text = "Decisions on improvement and on changes to both management systems (9.3.3)."
        if self.instance.pk:
            self.initial.setdefault("attendees", "\n".join(self.instance.attendees))

    def values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        values["attendees"] = [
            line.strip() for line in (self.cleaned_data.get("attendees") or "").splitlines() if line.strip()
        ]
        return values
