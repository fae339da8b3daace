"""Saved views of a register: a member names the filters of a list ("High AI risks I
own") and opens them again from the filter card. Private to the member, per register
and organization. The list view names its ``register_key``; the pages to save and
delete a view are scoping-agnostic here and scoped in ``organizations/urls.py``."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from ..models import SavedView

#: What a saved view does not keep: where the member was in the list.
NOT_SAVED = ("page",)


def saved_views_for(organization, user, register: str) -> list[SavedView]:
    """The member's saved views of one register, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedView.objects.filter(organization=organization, user=user, register=register))


def saved_view_query(query: str) -> str:
    """``query`` without the page number, in a stable order."""
    params = QueryDict(query, mutable=True)
    for name in NOT_SAVED:
        params.pop(name, None)
    return urlencode(sorted((k, v) for k in params for v in params.getlist(k) if v != ""))


def saved_view_save(*, organization, user, register: str, name: str, query: str) -> SavedView:
    """Save (or replace, under the same name) the member's view of a register."""
    name = (name or "").strip()[:80]
    if not name:
        raise forms.ValidationError("Name the view.")
    with transaction.atomic():
        view, _ = SavedView.objects.update_or_create(
            organization=organization,
            user=user,
            register=register,
            name=name,
            defaults={"query": saved_view_query(query)[:2000]},
        )
    return view


class SavedViewForm(forms.Form):
    register = forms.SlugField(max_length=40)
    name = forms.CharField(max_length=80)
    query = forms.CharField(max_length=4000, required=False)


def _back(request, organization) -> str:
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    prefix = f"/o/{organization.slug}/"
    return wanted if safe and wanted.startswith(prefix) else prefix


class SavedViewCreateView(View):
    """POST: save the list's current filters under a name; back to the list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SavedViewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Name the view to save it.")
            return redirect(_back(request, self.organization))
        try:
            view = saved_view_save(organization=self.organization, user=request.user, **form.cleaned_data)
        except (forms.ValidationError, IntegrityError):
            messages.error(request, "The view could not be saved.")
        else:
            messages.success(request, f"View “{view.name}” saved. Open it from the filter card.")
        return redirect(_back(request, self.organization))


class SavedViewDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        deleted, _ = SavedView.objects.filter(
            pk=kwargs["pk"], organization=self.organization, user=request.user
        ).delete()
        if not deleted:
            raise Http404("No such saved view")
        messages.success(request, "Saved view removed.")
        return redirect(_back(request, self.organization))
