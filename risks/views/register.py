"""The register pages: list, heat maps, a risk, its form, acceptance and review,
and "my overdue treatments". Each view resolves the organization through
``OrganizationPageMixin``, reads through ``selectors`` and writes through ``services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from core.deletion import DeletionRefused, deletion_impact
from core.registers.bulk_actions import BulkActions, RegisterBulkView
from core.registers.lists import RegisterListView, RegisterURLs
from core.registers.members import member_users, members_sorted
from core.roles import Capability
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..documents import RISK_REGISTER_XLSX
from ..filters import STATUS_CHOICES, RiskFilter, cell_of
from ..forms import (
    AcceptanceForm,
    AssetFilterForm,
    CompleteActionForm,
    ReviewForm,
    RiskForm,
    TreatmentActionForm,
    WithdrawAcceptanceForm,
)
from ..models import (
    EDITABLE_STATUSES,
    Category,
    HarmArea,
    Level,
    Treatment,
)

#: An acceptance is recorded on its own page, never in bulk.
RISK_BULK_ACTIONS = BulkActions(status_choices=[(s.value, s.label) for s in EDITABLE_STATUSES])


class RiskListView(OrganizationPageMixin, RegisterListView):
    """The register: filters, search, sortable columns, pages."""

    template_name = "risks/risk_list.html"
    filterset_class = RiskFilter
    default_ordering = ("number",)
    context_object_name = "risks"
    noun, noun_plural = "risk", "risks"
    urls = RegisterURLs(
        list="risks:list",
        create="risks:create",
        import_="risks:import",
        export="risks:export",
        bulk="risks:bulk",
    )
    bulk_actions = RISK_BULK_ACTIONS
    register_key = "risks"

    def get_base_queryset(self):
        return selectors.risks_with_links(selectors.risks_for(self.organization))

    def get_extra_context(self):
        params = self.request.GET
        methodology = selectors.methodology_for(self.organization)
        summary = selectors.risk_summary(self.organization, methodology)
        return {
            "category_choices": Category.choices,
            "level_choices": Level.choices,
            "status_choices": STATUS_CHOICES,
            "treatment_choices": Treatment.choices,
            "review_choices": [("true", "Overdue"), ("false", "Not overdue")],
            "members": members_sorted(self.organization),
            "asset_filter": AssetFilterForm(
                assets=selectors.risk_assets_for(self.organization),
                chosen=selectors.asset_ids_named(self.organization, params.get("asset", "")),
                lookup_url=reverse("assets:picker_lookup", args=[self.organization.slug]),
            ),
            "controls": selectors.treatment_controls(),
            "inherent_cell": cell_of(params.get("inherent_cell", "")),
            "residual_cell": cell_of(params.get("residual_cell", "")),
            "summary": summary,
            "has_records": bool(summary.total or summary.closed),
            "methodology": methodology,
            "background_exports": [
                (RISK_REGISTER_XLSX, "Excel workbook (.xlsx)", "bi-file-earmark-spreadsheet"),
            ],
            "background_export_url": reverse("documents:request", args=[self.organization.slug]),
        }


class HeatMapView(OrganizationPageMixin, TemplateView):
    """The inherent and residual heat maps side by side, optionally for one category."""

    template_name = "risks/heat_maps.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        methodology = selectors.methodology_for(self.organization)
        category = self.request.GET.get("category", "")
        queryset = None
        if category in Category.values:
            queryset = RiskFilter(
                {"category": [category]},
                queryset=selectors.risks_for(self.organization),
                organization=self.organization,
            ).qs
        inherent, residual = selectors.heat_maps(
            self.organization, queryset=queryset, methodology=methodology
        )
        context.update(
            inherent=inherent,
            residual=residual,
            category=category if category in Category.values else "",
            category_choices=[(Category.INFORMATION_SECURITY, "Information security"), (Category.AI, "AI")],
            methodology=methodology,
            summary=selectors.risk_summary(self.organization, methodology),
            link_extra=f"category={category}&" if category in Category.values else "",
        )
        return context


class RiskDetailView(OrganizationPageMixin, TemplateView):
    """One risk: ratings, treatment (controls, plan, actions), assets, acceptance, review."""

    template_name = "risks/risk_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"], with_links=True)
        methodology = selectors.methodology_for(self.organization)
        can_edit = self.membership.can_edit(risk)
        actions = selectors.risk_actions(risk)
        context.update(
            risk=risk,
            methodology=methodology,
            actions=actions,
            pending_actions=[a for a in actions if a.is_pending],
            finished_actions=[a for a in actions if not a.is_pending],
            impact_items=selectors.risk_impact_items(risk),
            above_appetite=methodology.is_above_appetite(risk.level),
            can_edit=can_edit,
            can_approve=self.membership.can(Capability.APPROVE),
            action_form=kwargs.get("action_form")
            or TreatmentActionForm(members=member_users(self.organization), initial={"owner": risk.owner_id}),
            acceptance_form=kwargs.get("acceptance_form") or AcceptanceForm(),
            withdraw_form=WithdrawAcceptanceForm(),
            review_form=ReviewForm(),
            complete_form=CompleteActionForm(),
            justification_minimum=services.ABOVE_APPETITE_JUSTIFICATION_MIN,
            user_id=self.request.user.pk,
            can_create=self.membership.can_create,
            where_used=where_used(risk, organization=self.organization),
        )
        return context


class RiskFormMixin:
    template_name = "risks/risk_form.html"
    form_class = RiskForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.methodology = selectors.methodology_for(self.organization)
        kwargs.update(
            methodology=self.methodology,
            members=member_users(self.organization),
            membership=self.membership,
            assets=selectors.risk_assets_for(self.organization),
            controls=selectors.treatment_controls(),
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["methodology"] = self.methodology
        context["methodology_json"] = self.methodology.as_json()
        context["crosswalk_json"] = selectors.crosswalk_suggestions()
        context["form_category"] = context["form"].current_category()
        context["harm_areas"] = HarmArea.choices
        return context


class RiskCreateView(RiskFormMixin, OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN

    def get_initial(self):
        initial = super().get_initial()
        category = self.request.GET.get("category")
        if category in Category.values:
            initial["category"] = category
        asset = self.request.GET.get("asset", "")
        if asset.isdigit():
            initial["assets"] = [int(asset)]
        return initial

    def form_valid(self, form):
        try:
            risk = services.risk_create(
                organization=self.organization,
                actor=self.request.user,
                values=form.values(),
                assets=form.cleaned_data["assets"],
                controls=form.cleaned_data["controls"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{risk.reference} {risk.title} is in the register.")
        return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)


class RiskUpdateView(RiskFormMixin, OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN

    def dispatch(self, request, *args, **kwargs):
        self.risk = None
        return super().dispatch(request, *args, **kwargs)

    def get_risk(self):
        if self.risk is None:
            self.risk = selectors.risk_get(organization=self.organization, risk_id=self.kwargs["pk"])
            if not self.membership.can_edit(self.risk):
                raise PermissionDenied("You can change only the risks you own.")
        return self.risk

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_risk()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["risk"] = self.get_risk()
        return context

    def form_valid(self, form):
        # A fresh copy: the form has written its values onto the instance it edited.
        risk = selectors.risk_get(organization=self.organization, risk_id=self.kwargs["pk"])
        was_accepted = risk.is_accepted
        try:
            risk = services.risk_update(
                risk=risk,
                actor=self.request.user,
                values=form.values(),
                assets=form.cleaned_data["assets"],
                controls=form.cleaned_data["controls"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        if was_accepted and not risk.is_accepted:
            messages.warning(
                self.request,
                f"{risk.reference} saved. Its rating rose above what was accepted, so the acceptance "
                "was cleared: it needs a new decision.",
            )
        else:
            messages.success(self.request, f"{risk.reference} saved.")
        return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)


class RiskDeleteView(OrganizationPageMixin, TemplateView):
    required_capability = Capability.EDIT_OWN
    template_name = "risks/risk_confirm_delete.html"

    def get_risk(self):
        risk = selectors.risk_get(organization=self.organization, risk_id=self.kwargs["pk"])
        if not self.membership.can_edit(risk):
            raise PermissionDenied("You can delete only the risks you own.")
        return risk

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = self.get_risk()
        context["risk"] = risk
        context.setdefault("impact", deletion_impact(risk, actor=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        risk = self.get_risk()
        label = str(risk)
        try:
            services.risk_delete(risk=risk, actor=request.user)
        except DeletionRefused as refused:
            messages.error(request, refused.impact.refusal())
            return self.render_to_response(self.get_context_data(impact=refused.impact), status=409)
        messages.success(request, f"{label} was deleted. Its history keeps every version and who deleted it.")
        return redirect("risks:list", organization_slug=self.organization.slug)


class RiskAcceptView(RiskDetailView):
    """POST: accept the risk at its current rating (members who may approve)."""

    required_capability = Capability.APPROVE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"])
        form = AcceptanceForm(request.POST)
        if form.is_valid():
            try:
                services.risk_accept(
                    risk=risk, actor=request.user, justification=form.cleaned_data["justification"]
                )
            except ValidationError as exc:
                for messages_ in exc.message_dict.values():
                    form.add_error("justification", messages_)
            else:
                messages.success(request, f"{risk.reference} accepted at {risk.get_level_display().lower()}.")
                return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)
        context = self.get_context_data(acceptance_form=form, **kwargs)
        return self.render_to_response(context, status=400)


class RiskWithdrawAcceptanceView(OrganizationPageMixin, View):
    required_capability = Capability.APPROVE

    def post(self, request, *args, **kwargs):
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"])
        form = WithdrawAcceptanceForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.risk_acceptance_withdraw(risk=risk, actor=request.user, reason=reason)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The acceptance of {risk.reference} was withdrawn.")
        return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)


class RiskReviewView(OrganizationPageMixin, View):
    required_capability = Capability.EDIT_OWN

    def post(self, request, *args, **kwargs):
        risk = selectors.risk_get(organization=self.organization, risk_id=kwargs["pk"])
        form = ReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.risk_review_record(risk=risk, actor=request.user, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"{risk.reference} reviewed; next review on {risk.next_review_date:%d %b %Y}."
            )
        return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)


class RiskBulkView(OrganizationPageMixin, RegisterBulkView):
    """Owner, status or delete for the ticked risks, through the register's services."""

    bulk_actions = RISK_BULK_ACTIONS
    list_url = "risks:list"
    noun, noun_plural = "risk", "risks"

    def get_base_queryset(self):
        return selectors.risks_for(self.organization)

    def bulk_update(self, record, values):
        services.risk_update(risk=record, actor=self.request.user, values=values)

    def bulk_delete(self, record):
        services.risk_delete(risk=record, actor=self.request.user)
