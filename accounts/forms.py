from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .sign_in import LOCKED_MESSAGE, attempt_limit, client_address, is_locked


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying so when the account is locked (``accounts.sign_in``).
    The limiter runs in ``SignInView`` before the form, so that its refusal is a 429."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your username and password didn't match. Please try again.",
        "locked": LOCKED_MESSAGE,
    }

    def clean(self):
        if is_locked(self.cleaned_data.get("username") or ""):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in form behind the same limiter and lockout as the portal's."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": LOCKED_MESSAGE}

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        refusal = attempt_limit(username=username, address=client_address(self.request))
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="throttled")
        if is_locked(username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()
