from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Organization
from .roles import Role

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


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
