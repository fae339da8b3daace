from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from core.audit_trail import TrailFilter, kind_choices
from core.roles import Role
from core.widgets import DatePicker

from .models import Organization
from .selectors import members_of

User = get_user_model()


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"slug": "Optional: made from the name if left empty. Used in addresses."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            # The slug is part of every address and API path: it does not change.
            del self.fields["slug"]


class MemberAddForm(forms.Form):
    user = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)

    def __init__(self, *args, **kwargs):
        # Two member forms share the page: their ids must not collide (``id_role``).
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(*args, **kwargs)

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        matches = list(
            User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value), is_active=True)[:2]
        )
        if not matches:
            raise forms.ValidationError("No active user has this username or email. Create an account below.")
        if len(matches) > 1:
            raise forms.ValidationError("Several users share this email; give the username instead.")
        return matches[0]


class MemberCreateForm(forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]+$", max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "create_%s")
        super().__init__(*args, **kwargs)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TrailFilterForm(forms.Form):
    """Filters of the audit trail, on the page, its export and the API."""

    kind = forms.ChoiceField(label="Record type", required=False)
    who = forms.TypedChoiceField(label="Changed by", required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(
        required=False,
        choices=[("", "Any change"), ("created", "Created"), ("changed", "Changed"), ("deleted", "Deleted")],
    )
    since = forms.DateField(label="From", required=False, widget=DatePicker())
    until = forms.DateField(label="To", required=False, widget=DatePicker())

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every record type"), *kind_choices()]
        self.fields["who"].choices = [("", "Anyone")] + [
            (m.user_id, m.user.display_name) for m in members_of(organization)
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def trail_filter(self):
        """The filter the form describes; an invalid form filters nothing."""
        if not self.is_bound or not self.is_valid():
            return TrailFilter()
        data = self.cleaned_data
        return TrailFilter(
            kind=data["kind"],
            user_id=data["who"],
            action=data["action"],
            since=data["since"],
            until=data["until"],
        )
