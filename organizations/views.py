from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from controls.selectors import crosswalk_summary
from core.history import history_for
from core.views import OrganizationMixin
from risks.selectors import risk_overview

from . import selectors, services
from .forms import MemberAddForm, MemberCreateForm, MembershipRoleForm, OrganizationForm
from .roles import ROLE_CAPABILITIES, ROLE_DESCRIPTIONS, Capability, Role


def _form_error(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class HomeView(LoginRequiredMixin, View):
    """Sends the user to the organization they last worked in, or lets them pick one."""

    def get(self, request):
        memberships = list(selectors.memberships_of(request.user))
        slugs = {m.organization.slug for m in memberships}
        last = request.session.get("organization_slug")
        if last in slugs:
            return redirect("organizations:overview", organization_slug=last)
        if len(memberships) == 1:
            return redirect("organizations:overview", organization_slug=memberships[0].organization.slug)
        return redirect("organizations:list")


class OrganizationListView(LoginRequiredMixin, TemplateView):
    template_name = "organizations/organization_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.memberships_of(self.request.user)
        return context


class OrganizationCreateView(LoginRequiredMixin, FormView):
    template_name = "organizations/organization_form.html"
    form_class = OrganizationForm

    def form_valid(self, form):
        try:
            organization = services.organization_create(
                name=form.cleaned_data["name"],
                slug=form.cleaned_data.get("slug", ""),
                description=form.cleaned_data["description"],
                creator=self.request.user,
            )
        except ValidationError as exc:
            _form_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{organization.name} is ready. You are its administrator.")
        return redirect("organizations:overview", organization_slug=organization.slug)


class OverviewView(OrganizationMixin, TemplateView):
    template_name = "organizations/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = list(selectors.members_of(self.organization))
        context["members"] = members
        counts = ((label, sum(1 for m in members if m.role == value)) for value, label in Role.choices)
        context["role_summary"] = " · ".join(f"{n} {label.lower()}" for label, n in counts if n)
        context["my_capabilities"] = sorted(
            c.value.replace("_", " ") for c in ROLE_CAPABILITIES[self.membership.role]
        )
        context["recent_activity"] = selectors.member_activity(self.organization, limit=8)
        context["crosswalk"] = crosswalk_summary()
        context["risk_overview"] = risk_overview(self.organization)
        return context


class MembersView(OrganizationMixin, TemplateView):
    template_name = "organizations/members.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.members_of(self.organization)
        context["roles"] = [(value, label, ROLE_DESCRIPTIONS[value]) for value, label in Role.choices]
        context["can_manage"] = self.membership.can(Capability.MANAGE_MEMBERS)
        context.setdefault("add_form", MemberAddForm())
        context.setdefault("create_form", MemberCreateForm())
        context["role_choices"] = Role.choices
        return context


class MemberAddView(MembersView):
    """Adds an existing user, or creates an account for a new one; errors re-show the members page."""

    required_capability = Capability.MANAGE_MEMBERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        members_url = reverse("organizations:members", args=[self.organization.slug])
        if "username" in request.POST:
            form = MemberCreateForm(request.POST)
            if form.is_valid():
                try:
                    membership, password = services.member_create_with_account(
                        organization=self.organization, actor=request.user, **form.cleaned_data
                    )
                except ValidationError as exc:
                    _form_error(form, exc)
                else:
                    messages.success(
                        request,
                        f"Account {membership.user.username} created with the one-time password "
                        f"{password} — hand it over safely; it is not shown again.",
                    )
                    return HttpResponseRedirect(members_url)
            return self._invalid(create_form=form)
        form = MemberAddForm(request.POST)
        if form.is_valid():
            try:
                membership = services.membership_add(
                    organization=self.organization,
                    actor=request.user,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, f"{membership.user.display_name} joined as {membership.get_role_display()}."
                )
                return HttpResponseRedirect(members_url)
        return self._invalid(add_form=form)

    def _invalid(self, **forms):
        return self.render_to_response(self.get_context_data(**forms), status=400)


class MemberRoleView(OrganizationMixin, View):
    required_capability = Capability.MANAGE_MEMBERS

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(selectors.members_of(self.organization), pk=kwargs["membership_id"])
        form = MembershipRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose one of the roles.")
        else:
            try:
                services.membership_change_role(
                    membership=membership, actor=request.user, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, f"{membership.user.display_name} is now {membership.get_role_display()}."
                )
        return redirect("organizations:members", organization_slug=self.organization.slug)


class MemberRemoveView(OrganizationMixin, View):
    required_capability = Capability.MANAGE_MEMBERS

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(selectors.members_of(self.organization), pk=kwargs["membership_id"])
        try:
            services.membership_remove(membership=membership, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"{membership.user.display_name} no longer has access to {self.organization.name}."
            )
        return redirect("organizations:members", organization_slug=self.organization.slug)


class SettingsView(OrganizationMixin, FormView):
    required_capability = Capability.MANAGE_MEMBERS
    template_name = "organizations/settings.html"
    form_class = OrganizationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.organization
        return kwargs

    def form_valid(self, form):
        services.organization_update(
            organization=self.organization,
            actor=self.request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        messages.success(self.request, "Organization details saved.")
        return redirect("organizations:settings", organization_slug=self.organization.slug)


class ActivityView(OrganizationMixin, TemplateView):
    template_name = "organizations/activity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity"] = selectors.member_activity(self.organization, limit=500)
        context["entries"] = history_for(self.organization)
        return context
