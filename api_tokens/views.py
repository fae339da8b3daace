"""The "API tokens" pages of the account menu: list, create (the secret shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, TemplateView

from . import selectors, services
from .forms import ApiTokenForm


class ApiTokenListView(LoginRequiredMixin, TemplateView):
    template_name = "api_tokens/token_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = list(selectors.api_tokens_of(self.request.user))
        return context


class ApiTokenCreateView(LoginRequiredMixin, FormView):
    template_name = "api_tokens/token_form.html"
    form_class = ApiTokenForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organizations"] = selectors.token_organization_choices(self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            issued = services.api_token_create(
                user=self.request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                organization=form.cleaned_data["organization"],
                expires_at=form.cleaned_data["expires"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        # Rendered, not redirected to: the secret lives in this one answer and nowhere else.
        response = self.response_class(
            request=self.request,
            template=["api_tokens/token_created.html"],
            context={"token": issued.token, "secret": issued.secret},
            status=201,
        )
        add_never_cache_headers(response)
        return response


class ApiTokenRevokeView(LoginRequiredMixin, TemplateView):
    template_name = "api_tokens/token_confirm_revoke.html"

    def get_token(self):
        return get_object_or_404(selectors.api_tokens_of(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = self.get_token()
        return context

    def post(self, request, *args, **kwargs):
        token = services.api_token_revoke(token=self.get_token(), actor=request.user)
        messages.success(
            request, f"“{token.name}” is revoked: integrations using it are refused from now on."
        )
        return redirect("api_tokens:list")
