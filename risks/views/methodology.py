"""The organization's risk methodology: everyone reads it, administrators change it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from core.history import RecordHistory
from core.roles import Capability
from core.views import history_page
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..forms import MethodologyForm
from ..models import SCALE_MAX, SCALE_MIN, RiskMethodology


class MethodologyView(OrganizationPageMixin, FormView):
    """GET shows the scales, bands, appetite and interval (with the form for
    administrators); POST changes them and re-scores the register."""

    template_name = "risks/methodology.html"
    form_class = MethodologyForm

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            self.required_capability = Capability.MANAGE_METHODOLOGY
        return super().dispatch(request, *args, **kwargs)

    def get_methodology(self):
        if not hasattr(self, "methodology"):
            self.methodology = selectors.methodology_for(self.organization)
        return self.methodology

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_methodology()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        methodology = selectors.methodology_for(self.organization)  # as stored, not as typed
        context.update(
            methodology=methodology,
            matrix=selectors.methodology_matrix(methodology),
            can_manage=self.membership.can(Capability.MANAGE_METHODOLOGY),
            **history_page(self.request, RecordHistory(RiskMethodology, methodology.history.all())),
            record_kind="methodology",
            scale_min=SCALE_MIN,
            scale_max=SCALE_MAX,
        )
        summary = selectors.risk_summary(self.organization, methodology)
        context["bands"] = [(band, summary.by_level[band.level]) for band in methodology.bands]
        return context

    def form_valid(self, form):
        methodology = selectors.methodology_for(self.organization)
        try:
            change = services.methodology_update(
                methodology=methodology, actor=self.request.user, values=form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        text = "Risk methodology saved."
        if change.rescored:
            count = len(change.rescored)
            text += f" Re-scored: {count} risk{'s' if count != 1 else ''} changed level."
        if change.acceptances_cleared:
            refs = ", ".join(r.reference for r in change.acceptances_cleared)
            text += f" Acceptance cleared, level now higher than accepted: {refs}."
        messages.success(self.request, text)
        return redirect("risks:methodology", organization_slug=self.organization.slug)
