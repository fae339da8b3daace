import datetime

from django import forms
from django.utils import timezone

EXPIRY_CHOICES = [("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What will use it, e.g. “CMDB sync” or “Risk dashboard”."
    )
    organization = forms.ChoiceField(
        label="Organization",
        required=False,
        help_text="Limit the token to one organization; the others answer as if you were not a member.",
    )
    read_only = forms.BooleanField(
        label="Read only (refuse every change)",
        required=False,
        help_text="Best for reporting and dashboards.",
    )
    expires = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, initial="90", required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        # The user's own organizations: a handful, so a plain list is right here.
        self._organizations = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = [("", "All my organizations")] + [
            (pk, o.name) for pk, o in self._organizations.items()
        ]

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        return self._organizations.get(value) if value else None

    def clean_expires(self):
        days = self.cleaned_data["expires"]
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None
