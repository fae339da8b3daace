"""Findings and corrective actions: their registers and exports, a finding (its
actions, close — refused with the service's reason until they are verified), an
action (form, verification of effectiveness), and their deletes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from core.registers.exports import RegisterExportView
from core.registers.lists import RegisterListView, RegisterURLs
from core.registers.members import member_users, members_sorted
from core.roles import Capability
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..filters import CorrectiveActionFilter, FindingFilter
from ..forms import CorrectiveActionForm, VerificationForm
from ..models import ActionStatus, Audit, FindingStatus, Severity
from ..tabular import ACTION_COLUMNS, FINDING_COLUMNS, action_export_rows, finding_export_rows
from .common import RecordDeleteView
from .programme import framework_names

# --- Findings -------------------------------------------------------------------------------


class FindingListView(OrganizationPageMixin, RegisterListView):
    template_name = "audits/finding_list.html"
    filterset_class = FindingFilter
    default_ordering = ("-audit__number", "number")
    context_object_name = "findings"
    noun, noun_plural = "finding", "findings"
    urls = RegisterURLs(list="audits:findings", export="audits:finding_export")

    def get_base_queryset(self):
        return selectors.findings_for(self.organization)

    def get_extra_context(self):
        audits = (
            Audit.objects.for_organization(self.organization)
            .only("pk", "number", "title")
            .order_by("-number")
        )
        return {
            "severity_choices": Severity.choices,
            "status_choices": FindingStatus.choices,
            "audit_choices": [(str(a.pk), f"{a.reference} {a.title}") for a in audits],
            "framework_names": framework_names(),
        }


class FindingExportView(OrganizationPageMixin, RegisterExportView):
    filterset_class = FindingFilter
    default_ordering = ("-audit__number", "number")
    columns = FINDING_COLUMNS
    export_rows = staticmethod(finding_export_rows)
    title = "Findings"
    filename_part = "findings"

    def get_base_queryset(self):
        return selectors.findings_for(self.organization)


def _action_rows(actions, membership) -> list:
    rows = list(actions)
    for action in rows:
        action.editable = membership.can_edit(action) and not action.is_verified
    return rows


class FindingDetailView(OrganizationPageMixin, TemplateView):
    """A finding: severity, its clause or control and standards, its corrective actions, close."""

    template_name = "audits/finding_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = kwargs.get("finding") or selectors.finding_get(
            organization=self.organization, finding_id=kwargs["pk"]
        )
        can_record = services.can_record_results(self.membership, finding.audit)
        actions = selectors.corrective_actions_for(self.organization).filter(finding=finding)
        is_open = finding.status == FindingStatus.OPEN
        context.update(
            finding=finding,
            where_used=where_used(finding, organization=self.organization),
            item=finding.checklist_item,
            framework_names=framework_names(),
            actions=_action_rows(actions, self.membership),
            can_record=can_record,
            can_add_action=is_open and (self.membership.can(Capability.EDIT_ANY) or can_record),
            can_close=is_open and can_record,
            can_delete=self.membership.can(Capability.EDIT_ANY),
            close_blockers=kwargs.get("close_blockers") or (finding.closing_blockers() if is_open else []),
            close_refused=bool(kwargs.get("close_blockers")),
        )
        return context


class FindingCloseView(FindingDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        finding = selectors.finding_get(organization=self.organization, finding_id=kwargs["pk"])
        try:
            services.finding_close(finding=finding, actor=request.user)
        except ValidationError as exc:
            blockers = exc.message_dict.get("status") if hasattr(exc, "error_dict") else exc.messages
            messages.error(request, f"{finding.reference} cannot be closed yet.")
            context = self.get_context_data(
                finding=finding, close_blockers=blockers or exc.messages, **kwargs
            )
            return self.render_to_response(context, status=400)
        messages.success(request, f"{finding.reference} is closed.")
        return redirect("audits:finding_detail", self.organization.slug, finding.pk)


class FindingDeleteView(RecordDeleteView):
    noun = "finding"
    register = ("audits:findings", "Findings")
    advice = "A finding that was right but is dealt with is closed, not deleted."

    def get_record(self):
        return selectors.finding_get(organization=self.organization, finding_id=self.kwargs["pk"])

    def delete(self, record):
        services.finding_delete(finding=record, actor=self.request.user)

    def record_url(self, record) -> str:
        return reverse("audits:finding_detail", args=[self.organization.slug, record.pk])

    def done_url(self) -> str:
        return reverse("audits:findings", args=[self.organization.slug])


# --- Corrective actions ---------------------------------------------------------------------


class CorrectiveActionListView(OrganizationPageMixin, RegisterListView):
    """Every tracked action, of findings and of management reviews; overdue ones flagged."""

    template_name = "audits/action_list.html"
    filterset_class = CorrectiveActionFilter
    default_ordering = ("due_date", "number")
    context_object_name = "actions"
    noun, noun_plural = "corrective action", "corrective actions"
    urls = RegisterURLs(list="audits:actions", export="audits:action_export")

    def get_base_queryset(self):
        return selectors.corrective_actions_for(self.organization)

    def get_extra_context(self):
        return {
            "status_choices": ActionStatus.choices,
            "source_choices": [("finding", "Findings"), ("review", "Management reviews")],
            "overdue_choices": [("true", "Overdue"), ("false", "Not overdue")],
            "members": members_sorted(self.organization),
            "overdue_count": selectors.overdue_corrective_actions_for(self.organization).count(),
        }


class CorrectiveActionExportView(OrganizationPageMixin, RegisterExportView):
    filterset_class = CorrectiveActionFilter
    default_ordering = ("due_date", "number")
    columns = ACTION_COLUMNS
    export_rows = staticmethod(action_export_rows)
    title = "Corrective actions"
    filename_part = "corrective-actions"

    def get_base_queryset(self):
        return selectors.corrective_actions_for(self.organization)


def can_verify(membership, action) -> bool:
    if action.finding_id is not None:
        return services.can_record_results(membership, action.finding.audit)
    return membership.can(Capability.EDIT_ANY)


class CorrectiveActionDetailView(OrganizationPageMixin, TemplateView):
    template_name = "audits/action_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = kwargs.get("action") or selectors.corrective_action_get(
            organization=self.organization, action_id=kwargs["pk"]
        )
        context.update(
            action=action,
            where_used=where_used(action, organization=self.organization),
            can_edit=self.membership.can_edit(action) and not action.is_verified,
            can_verify=can_verify(self.membership, action)
            and action.status == ActionStatus.DONE
            and not action.is_verified,
            can_delete=self.membership.can(Capability.EDIT_ANY) and not action.is_verified,
            verify_form=kwargs.get("verify_form") or VerificationForm(),
        )
        return context


class CorrectiveActionVerifyView(CorrectiveActionDetailView):
    """POST the verification of effectiveness (who and when are recorded by the service)."""

    required_capability = Capability.RECORD_AUDIT_RESULTS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = selectors.corrective_action_get(organization=self.organization, action_id=kwargs["pk"])
        form = VerificationForm(request.POST)
        if form.is_valid():
            try:
                services.corrective_action_verify(
                    action=action,
                    actor=request.user,
                    result=form.cleaned_data["result"],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    f"{action.reference} verified: {action.get_verification_result_display().lower()}.",
                )
                return redirect("audits:action_detail", self.organization.slug, action.pk)
        context = self.get_context_data(action=action, verify_form=form, **kwargs)
        return self.render_to_response(context, status=400)


class ActionFormMixin:
    template_name = "audits/action_form.html"
    form_class = CorrectiveActionForm

    def for_finding(self) -> bool:
        raise NotImplementedError("An action form declares for_finding(): a finding's action or a review's.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            members=member_users(self.organization),
            membership=self.membership,
            for_finding=self.for_finding(),
        )
        return kwargs


class CorrectiveActionCreateView(ActionFormMixin, OrganizationPageMixin, FormView):
    """A new action on a finding (``finding_pk``) or on a management review (``review_pk``)."""

    def dispatch(self, request, *args, **kwargs):
        self.finding = self.review = None
        return super().dispatch(request, *args, **kwargs)

    def get_parent(self):
        """The finding or review, once the member is known to be allowed to add to it."""
        if "finding_pk" in self.kwargs:
            if self.finding is None:
                self.finding = selectors.finding_get(
                    organization=self.organization, finding_id=self.kwargs["finding_pk"]
                )
                if not (
                    self.membership.can(Capability.EDIT_ANY)
                    or services.can_record_results(self.membership, self.finding.audit)
                ):
                    raise PermissionDenied(
                        "Only compliance officers and the audit's auditors add corrective actions."
                    )
            return self.finding
        if self.review is None:
            self.review = selectors.management_review_get(
                organization=self.organization, review_id=self.kwargs["review_pk"]
            )
            if not self.membership.can(Capability.EDIT_ANY):
                raise PermissionDenied("Only compliance officers and administrators add review actions.")
        return self.review

    def get(self, request, *args, **kwargs):
        self.get_parent()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_parent()
        return super().post(request, *args, **kwargs)

    def for_finding(self) -> bool:
        return "finding_pk" in self.kwargs

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parent = self.get_parent()
        context.update(
            finding=parent if self.for_finding() else None, review=None if self.for_finding() else parent
        )
        return context

    def form_valid(self, form):
        parent = self.get_parent()
        target = {"finding": parent} if self.for_finding() else {"review": parent}
        try:
            action = services.corrective_action_create(
                actor=self.request.user, values=form.values(), **target
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{action.reference} added; {action.owner.display_name} owns it.")
        if self.for_finding():
            return redirect("audits:finding_detail", self.organization.slug, parent.pk)
        return redirect("audits:review_detail", self.organization.slug, parent.pk)


class CorrectiveActionUpdateView(ActionFormMixin, OrganizationPageMixin, FormView):
    def get_action(self):
        if not hasattr(self, "_action"):
            self._action = selectors.corrective_action_get(
                organization=self.organization, action_id=self.kwargs["pk"]
            )
            if not self.membership.can_edit(self._action):
                raise PermissionDenied("Only compliance officers and the action's owner change it.")
        return self._action

    def for_finding(self) -> bool:
        return self.get_action().finding_id is not None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_action()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.get_action()
        context.update(action=action, finding=action.finding, review=action.review)
        return context

    def form_valid(self, form):
        action = selectors.corrective_action_get(organization=self.organization, action_id=self.kwargs["pk"])
        try:
            services.corrective_action_update(action=action, actor=self.request.user, values=form.values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{action.reference} saved.")
        return redirect("audits:action_detail", self.organization.slug, action.pk)


class CorrectiveActionDeleteView(RecordDeleteView):
    noun = "corrective action"
    register = ("audits:actions", "Corrective actions")

    def get_record(self):
        return selectors.corrective_action_get(organization=self.organization, action_id=self.kwargs["pk"])

    def delete(self, record):
        services.corrective_action_delete(action=record, actor=self.request.user)

    def record_url(self, record) -> str:
        return reverse("audits:action_detail", args=[self.organization.slug, record.pk])

    def done_url(self) -> str:
        return reverse("audits:actions", args=[self.organization.slug])
