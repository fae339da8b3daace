import csv
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from core.audit_trail import Trail, describe, record_trail
from core.history import record_history
from core.registers import saved_views
from core.roles import ROLE_DESCRIPTIONS, Capability, Role
from core.views import history_page
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from . import selectors, services
from .forms import MemberAddForm, MemberCreateForm, MembershipRoleForm, OrganizationForm, TrailFilterForm


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
            return redirect("portal:overview", organization_slug=last)
        if len(memberships) == 1:
            return redirect("portal:overview", organization_slug=memberships[0].organization.slug)
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
        return redirect("portal:overview", organization_slug=organization.slug)


class MembersView(OrganizationPageMixin, TemplateView):
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


class MemberDetailView(OrganizationPageMixin, TemplateView):
    """One member: their role, and everything they own in the organization (``core.where_used``)."""

    template_name = "organizations/member_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = get_object_or_404(selectors.members_of(self.organization), pk=kwargs["membership_id"])
        context.update(
            member=member,
            role_description=ROLE_DESCRIPTIONS[member.role],
            where_used=where_used(member, organization=self.organization),
        )
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


class MemberRoleView(OrganizationPageMixin, View):
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


class MemberRemoveView(OrganizationPageMixin, View):
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


class SettingsView(OrganizationPageMixin, FormView):
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


class TrailFilterMixin:
    """The audit trail under the filters in the query string."""

    def trail(self) -> Trail:
        self.filter_form = TrailFilterForm(self.request.GET or None, organization=self.organization)
        return Trail(self.organization, self.filter_form.trail_filter())


class ActivityView(TrailFilterMixin, OrganizationPageMixin, TemplateView):
    """The organization's audit trail: every change to every record, who and when."""

    template_name = "organizations/activity.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(self.trail(), self.paginate_by)
        page_obj = paginator.get_page(self.request.GET.get("page"))
        context.update(
            form=self.filter_form,
            paginator=paginator,
            page_obj=page_obj,
            entries=page_obj.object_list,
            filtered=any(v for k, v in self.request.GET.items() if k != "page"),
            can_export=self.membership.can(Capability.EXPORT),
        )
        return context


class ActivityExportView(TrailFilterMixin, OrganizationPageMixin, View):
    """The filtered audit trail as CSV, for auditors and archives."""

    required_capability = Capability.EXPORT
    header = ["When (UTC)", "Who", "Action", "Record type", "Record ID", "Record", "Changes", "Reason"]

    def get(self, request, *args, **kwargs):
        trail = self.trail()
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(self.header)
            for e in trail:
                changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in e.changes)
                yield writer.writerow(
                    [
                        e.when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                        e.who,
                        e.action,
                        e.kind_label,
                        e.record_id,
                        e.label,
                        changes,
                        e.reason,
                    ]
                )

        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.organization.slug}-audit-trail-{stamp}.csv"'
        )
        return response


class _Echo:
    """A file-like object whose ``write`` returns the line, for streaming CSV."""

    def write(self, value):
        return value


class RecordTrailView(OrganizationPageMixin, TemplateView):
    """The history of any record of the organization, including one since deleted.

    A record that still exists and has a history page of its own (``history_page``
    on its model: a risk, an asset, an assessment) is sent there, so that each
    record has one history page.
    """

    template_name = "core/record_history.html"

    def get(self, request, *args, **kwargs):
        found = record_trail(self.organization, self.kwargs["kind"], self.kwargs["pk"])
        if found is None:
            raise Http404("No such record in this organization.")
        self.model, self.records = found
        page_name = getattr(self.model, "history_page", None)
        if page_name and self.model._base_manager.filter(pk=self.kwargs["pk"]).exists():
            return redirect(page_name, organization_slug=self.organization.slug, pk=self.kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model, records = self.model, self.records
        latest = records.order_by("-history_date", "-history_id").first()
        label, url = describe(self.organization, latest.instance)
        context.update(
            record=label,
            record_url=url,
            record_kind=model._meta.verbose_name,
            deleted=latest.history_type == "-",
            **history_page(self.request, record_history(model, records, self.kwargs["pk"])),
        )
        return context


class SavedViewCreateView(OrganizationPageMixin, saved_views.SavedViewCreateView):
    """Any member saves their own views of a register (viewers too: it changes no record)."""


class SavedViewDeleteView(OrganizationPageMixin, saved_views.SavedViewDeleteView):
    pass
