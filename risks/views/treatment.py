"""A risk's treatment plan: add, change, complete and remove actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView

from core.registers.members import member_users
from core.roles import Capability
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..forms import CompleteActionForm, TreatmentActionForm
from .register import RiskDetailView


class ActionAddView(RiskDetailView):
    """POST from the risk page; errors re-show the page with the form."""

    required_capability = Capability.EDIT_OWN
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"])
        form = TreatmentActionForm(request.POST, members=member_users(self.organization))
        if form.is_valid():
            try:
                action = services.treatment_action_create(risk=risk, actor=request.user, values=form.values())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Action planned, due {action.due_date:%d %b %Y}.")
                return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)
        context = self.get_context_data(action_form=form, **kwargs)
        return self.render_to_response(context, status=400)


class ActionCompleteView(OrganizationPageMixin, View):
    required_capability = Capability.EDIT_OWN

    def post(self, request, *args, **kwargs):
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"])
        action = selectors.action_get(
            organization=self.organization, risk=risk, action_id=kwargs["action_id"]
        )
        form = CompleteActionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.treatment_action_complete(action=action, actor=request.user, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Done: {action.description}")
        return redirect(_safe_next(request, self.organization) or _risk_url(self.organization, risk))


class ActionUpdateView(OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN
    template_name = "risks/action_form.html"
    form_class = TreatmentActionForm

    def dispatch(self, request, *args, **kwargs):
        self.action = None
        return super().dispatch(request, *args, **kwargs)

    def get_action(self):
        if self.action is None:
            risk = selectors.risk_get(organization=self.organization, risk_id=self.kwargs["pk"])
            self.action = selectors.action_get(
                organization=self.organization, risk=risk, action_id=self.kwargs["action_id"]
            )
            if not self.membership.can_edit(risk):
                raise PermissionDenied("Only the risk's owner (or an officer) changes its plan.")
        return self.action

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(instance=self.get_action(), members=member_users(self.organization))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action=self.get_action(), risk=self.get_action().risk)
        return context

    def form_valid(self, form):
        action = selectors.action_get(
            organization=self.organization, risk=self.get_action().risk, action_id=self.kwargs["action_id"]
        )
        try:
            services.treatment_action_update(action=action, actor=self.request.user, values=form.values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, "Action saved.")
        return redirect(_risk_url(self.organization, action.risk))


class ActionDeleteView(OrganizationPageMixin, View):
    required_capability = Capability.EDIT_OWN

    def post(self, request, *args, **kwargs):
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"])
        action = selectors.action_get(
            organization=self.organization, risk=risk, action_id=kwargs["action_id"]
        )
        services.treatment_action_delete(action=action, actor=request.user)
        messages.success(request, "Action removed from the plan; its history keeps it.")
        return redirect(_risk_url(self.organization, risk))


def _risk_url(organization, risk) -> str:
    return reverse("risks:detail", args=[organization.slug, risk.pk]) + "#treatment"


def _safe_next(request, organization) -> str:
    """Where a form posted from another page (my overdue treatments) returns to:
    a page of this organization, nothing else."""
    target = request.POST.get("next", "")
    prefix = f"/o/{organization.slug}/"
    if target.startswith(prefix) and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return ""
