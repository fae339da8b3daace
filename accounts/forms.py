from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .sign_in import LOCKED_MESSAGE, is_locked


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying so when the account is locked (``accounts.sign_in``)."""

    error_messages = {**AuthenticationForm.error_messages, "locked": LOCKED_MESSAGE}

    def clean(self):
        if is_locked(self.cleaned_data.get("username") or ""):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()
