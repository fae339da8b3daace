"""The audit programme's pages: the register of audits, its export, the plan/edit
form, an audit (scope, team, status and the actions the services allow) and its
delete. Views resolve the organization through ``OrganizationPageMixin``, read
through ``selectors`` and write through ``services``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from assets.selectors import assets_for
from core.registers.exports import RegisterExportView
from core.registers.lists import RegisterListView, RegisterURLs
from core.registers.members import member_users, members_sorted
from core.roles import Capability
from core.where_used import where_used
from documents import registry
from organizations.scoping import OrganizationPageMixin
from soa.selectors import versions_for

from .. import selectors, services
from ..filters import COMBINED, AuditFilter
from ..forms import AuditForm, standards
from ..models import AuditStatus, AuditType, Result
from ..tabular import AUDIT_COLUMNS, audit_export_rows
from .common import RecordDeleteView

#: The results in the order the progress bar shows them, with their CSS class.
RESULT_ORDER = [
    (Result.CONFORMING, "conforming"),
    (Result.OPPORTUNITY, "opportunity"),
    (Result.OBSERVATION, "observation"),
    (Result.MINOR_NC, "minor"),
    (Result.MAJOR_NC, "major"),
]


def result_breakdown(counts: dict[str, int]) -> dict:
    """The checklist's progress: each result's count and share, and what is left."""
    total = sum(counts.values())
    rows = [
        {
            "value": value.value,
            "label": value.label,
            "css": css,
            "count": counts.get(value.value, 0),
            "percent": round(100 * counts.get(value.value, 0) / total, 1) if total else 0,
        }
        for value, css in RESULT_ORDER
    ]
    x = 0.0
    for row in rows:
        row["x"] = x
        x += row["percent"]
    recorded = total - counts.get("", 0)
    return {
        "total": total,
        "recorded": recorded,
        "unrecorded": counts.get("", 0),
        "percent": round(100 * recorded / total) if total else 0,
        "rows": rows,
    }


def framework_names() -> dict[str, str]:
    return {f.code: f.short_name for f in standards()}


class AuditListView(OrganizationPageMixin, RegisterListView):
    """The audit programme: every audit, filtered by status, type, scope, lead and dates."""

    template_name = "audits/audit_list.html"
    filterset_class = AuditFilter
    default_ordering = ("-planned_start", "-number")
    context_object_name = "audits"
    noun, noun_plural = "audit", "audits"
    urls = RegisterURLs(list="audits:list", create="audits:create", export="audits:export")

    def get_base_queryset(self):
        return selectors.audits_for(self.organization)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Planning is for officers and administrators (the services say so), not for contributors.
        context["can_create"] = self.membership.can(Capability.EDIT_ANY)
        return context

    def get_extra_context(self):
        frameworks = standards()
        counts = dict.fromkeys(AuditStatus.values, 0)
        for status in selectors.audits_for(self.organization).order_by().values_list("status", flat=True):
            counts[status] += 1
        return {
            "status_choices": AuditStatus.choices,
            "type_choices": AuditType.choices,
            "scope_choices": [
                *[(f.code, f.short_name) for f in frameworks],
                (COMBINED, "Combined (both standards)"),
            ],
            "members": members_sorted(self.organization),
            "framework_names": {f.code: f.short_name for f in frameworks},
            "status_cards": [(value, label, counts[value]) for value, label in AuditStatus.choices],
        }


class AuditExportView(OrganizationPageMixin, RegisterExportView):
    filterset_class = AuditFilter
    default_ordering = ("-planned_start", "-number")
    columns = AUDIT_COLUMNS
    export_rows = staticmethod(audit_export_rows)
    title = "Audit programme"
    filename_part = "audits"

    def get_base_queryset(self):
        return selectors.audits_for(self.organization)


class AuditFormMixin:
    template_name = "audits/audit_form.html"
    form_class = AuditForm
    required_capability = Capability.EDIT_ANY

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            organization=self.organization,
            members=member_users(self.organization),
            themes=selectors.audit_scope_themes(),
            assets=assets_for(self.organization),
            versions=versions_for(self.organization),
        )
        return kwargs

    def save_errors(self, form, exc: ValidationError):
        form.add_service_errors(exc)
        return self.form_invalid(form)


class AuditCreateView(AuditFormMixin, OrganizationPageMixin, FormView):
    def get_initial(self):
        return {"lead_auditor": self.request.user.pk, "frameworks": [f.code for f in standards()]}

    def form_valid(self, form):
        try:
            audit = services.audit_plan(
                organization=self.organization,
                actor=self.request.user,
                values=form.values(),
                **form.scope_lists(),
            )
        except ValidationError as exc:
            return self.save_errors(form, exc)
        messages.success(self.request, f"{audit.reference} {audit.title} is planned; its checklist is ready.")
        return redirect("audits:detail", organization_slug=self.organization.slug, pk=audit.pk)


class AuditUpdateView(AuditFormMixin, OrganizationPageMixin, FormView):
    def get_audit(self):
        if not hasattr(self, "_audit"):
            self._audit = selectors.audit_get(organization=self.organization, audit_id=self.kwargs["pk"])
        return self._audit

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_audit()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audit"] = self.get_audit()
        return context

    def form_valid(self, form):
        audit = selectors.audit_get(organization=self.organization, audit_id=self.kwargs["pk"])
        values = form.values()
        lists = form.scope_lists()
        if audit.status != AuditStatus.PLANNED:
            lists.pop("themes")
        try:
            audit = services.audit_update(audit=audit, actor=self.request.user, values=values, **lists)
        except ValidationError as exc:
            return self.save_errors(form, exc)
        messages.success(self.request, f"{audit.reference} saved.")
        return redirect("audits:detail", organization_slug=self.organization.slug, pk=audit.pk)


class AuditDetailView(OrganizationPageMixin, TemplateView):
    """One audit: scope, team, SoA version, status and its next step, checklist progress, findings."""

    template_name = "audits/audit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit = kwargs.get("audit") or selectors.audit_get(
            organization=self.organization, audit_id=kwargs["pk"]
        )
        membership = self.membership
        can_manage = membership.can(Capability.EDIT_ANY)
        in_fieldwork = audit.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING)
        blockers = kwargs.get("close_blockers")
        if blockers is None and in_fieldwork and can_manage:
            blockers = services.audit_close_blockers(audit)
        context.update(
            audit=audit,
            where_used=where_used(audit, organization=self.organization),
            team=[m.user for m in audit.team_members.all()],
            framework_names=framework_names(),
            progress=result_breakdown(selectors.checklist_results(audit)),
            findings=list(selectors.findings_for(self.organization).filter(audit=audit)),
            can_manage=can_manage,
            can_pack=registry.can_access(membership, "audit_pack"),
            can_record=services.can_record_results(membership, audit),
            can_report=audit.status == AuditStatus.IN_PROGRESS
            and (can_manage or audit.lead_auditor_id == membership.user_id),
            close_blockers=blockers or [],
            close_refused=kwargs.get("close_blockers") is not None,
            in_fieldwork=in_fieldwork,
            latest_version=versions_for(self.organization).first() if audit.status == "planned" else None,
        )
        return context


class AuditTransitionView(AuditDetailView):
    """POST start/, report/ or close/: the step the services allow; a refused close
    shows the detail page again with each blocker."""

    http_method_names = ["post"]
    transition = ""  # "start", "report" or "close"

    def post(self, request, *args, **kwargs):
        audit = selectors.audit_get(organization=self.organization, audit_id=kwargs["pk"])
        try:
            if self.transition == "start":
                services.audit_start(audit=audit, actor=request.user, soa_version=audit.soa_version)
                done = f"{audit.reference} started on SoA version {audit.soa_version.number}."
            elif self.transition == "report":
                services.audit_report(audit=audit, actor=request.user)
                done = f"{audit.reference} is in reporting."
            else:
                services.audit_close(audit=audit, actor=request.user)
                done = f"{audit.reference} is closed: its checklist and evidence are now frozen."
        except services.AuditCloseBlocked as blocked:
            messages.error(request, f"{audit.reference} cannot be closed yet.")
            context = self.get_context_data(audit=audit, close_blockers=blocked.blockers, **kwargs)
            return self.render_to_response(context, status=400)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("audits:detail", organization_slug=self.organization.slug, pk=audit.pk)


class AuditDeleteView(RecordDeleteView):
    noun = "audit"
    advice = (
        "An audit that took place is usually kept: close it instead, and its checklist and "
        "evidence stay on record."
    )

    def get_record(self):
        return selectors.audit_get(organization=self.organization, audit_id=self.kwargs["pk"])

    def delete(self, record):
        services.audit_delete(audit=record, actor=self.request.user)

    def record_url(self, record) -> str:
        return reverse("audits:detail", args=[self.organization.slug, record.pk])

    def done_url(self) -> str:
        return reverse("audits:list", args=[self.organization.slug])
