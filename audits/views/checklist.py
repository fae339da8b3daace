"""The checklist of an audit: items grouped (clauses, then controls by theme), a
result recorded in place (htmx swaps the item; without JavaScript the item's own
page does the same), evidence files and references, and "raise finding"."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.roles import Capability
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..filters import ChecklistItemFilter
from ..forms import ChecklistResultForm, EvidenceUploadForm, FindingForm
from ..models import AuditStatus, Result
from .common import is_htmx
from .programme import framework_names, result_breakdown


@dataclass
class ItemGroup:
    key: tuple
    title: str
    subtitle: str = ""
    items: list = field(default_factory=list)


def _group_of(item, names: dict[str, str], combined: bool) -> tuple[tuple, str, str]:
    if item.clause_id:
        codes = tuple(item.frameworks)
        if len(codes) > 1:
            return ("clause", codes), "Clauses both standards share", "One item checks both"
        name = names.get(codes[0], codes[0])
        if combined:
            return ("clause", codes), f"Clauses of {name} only", "Requirements the other standard has not"
        return ("clause", codes), f"Clauses 4 to 10 of {name}", ""
    group = item.control.group
    framework = names.get(item.control.framework.code, item.control.framework.short_name)
    return ("control", group.pk), f"{group.reference} {group.title}", f"{framework} controls"


def group_items(items, *, names: dict[str, str], combined: bool) -> list[ItemGroup]:
    """The items of each group together, groups in the order their first item comes,
    items in checklist order (the shared clauses, then one standard's own, then themes)."""
    groups: dict[tuple, ItemGroup] = {}
    for item in items:
        key, title, subtitle = _group_of(item, names, combined)
        if key not in groups:
            groups[key] = ItemGroup(key=key, title=title, subtitle=subtitle)
        groups[key].items.append(item)
    return list(groups.values())


class ChecklistMixin(OrganizationPageMixin):
    def get_audit(self):
        if not hasattr(self, "_audit"):
            self._audit = selectors.audit_get(organization=self.organization, audit_id=self.kwargs["pk"])
        return self._audit

    def get_item(self):
        item = selectors.checklist_item_get(organization=self.organization, item_id=self.kwargs["item_id"])
        if item.audit_id != self.get_audit().pk:
            raise Http404("No such checklist item")
        return item

    def item_context(self, item, form=None, **extra) -> dict:
        audit = self.get_audit()
        can_record = services.can_record_results(self.membership, audit)
        return {
            "organization": self.organization,
            "membership": self.membership,
            "audit": audit,
            "item": item,
            "framework_names": framework_names(),
            "can_record": can_record and audit.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING),
            "form": form,
            **extra,
        }

    def checklist_url(self, item=None) -> str:
        url = reverse("audits:checklist", args=[self.organization.slug, self.get_audit().pk])
        return f"{url}#item-{item.pk}" if item is not None else url

    def require_recorder(self):
        if not services.can_record_results(self.membership, self.get_audit()):
            raise PermissionDenied(
                "Only the auditors assigned to this audit and compliance officers record its results."
            )


class ChecklistView(ChecklistMixin, TemplateView):
    """The audit's checklist, grouped, with a filter by result and "not yet recorded"."""

    template_name = "audits/checklist.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit = self.get_audit()
        params = self.request.GET
        filterset = ChecklistItemFilter(
            params or None,
            queryset=selectors.checklist_page_items(audit),
            request=self.request,
            organization=self.organization,
        )
        items = list(filterset.qs.order_by("position"))
        names = framework_names()
        can_record = services.can_record_results(self.membership, audit)
        context.update(
            audit=audit,
            groups=group_items(items, names=names, combined=audit.is_combined),
            shown=len(items),
            framework_names=names,
            progress=result_breakdown(selectors.checklist_results(audit)),
            result_choices=[("", "Any result"), *Result.choices],
            params=params,
            active_filter_count=filterset.active_filter_count(),
            can_record=can_record and audit.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING),
            is_assigned=can_record,
        )
        return context


class ChecklistItemView(ChecklistMixin, View):
    """GET: the item as the checklist shows it (htmx, after "Cancel"), or, without
    htmx, the item's own page with its form, evidence and findings."""

    def get(self, request, *args, **kwargs):
        item = self.get_item()
        if is_htmx(request):
            return TemplateResponse(request, "audits/_checklist_item.html", self.item_context(item))
        return self.page(request, item)

    def page(self, request, item, form=None, upload_form=None, status=200):
        context = self.item_context(
            item,
            form=form or ChecklistResultForm(initial=_initial(item)),
            upload_form=upload_form or EvidenceUploadForm(),
        )
        return TemplateResponse(request, "audits/checklist_item.html", context, status=status)


def _initial(item) -> dict:
    return {"result": item.result, "notes": item.notes, "evidence": item.evidence}


class ChecklistItemRecordView(ChecklistItemView):
    """GET (htmx): the item's inline form. POST: record the result, notes and
    evidence references; htmx gets the item back, a plain post goes back to the list."""

    required_capability = Capability.RECORD_AUDIT_RESULTS

    def get(self, request, *args, **kwargs):
        self.require_recorder()
        item = self.get_item()
        if not is_htmx(request):
            return self.page(request, item)
        form = ChecklistResultForm(initial=_initial(item))
        return TemplateResponse(request, "audits/_checklist_item_form.html", self.item_context(item, form))

    def post(self, request, *args, **kwargs):
        self.require_recorder()
        item = self.get_item()
        form = ChecklistResultForm(request.POST)
        if form.is_valid():
            try:
                services.checklist_item_record(item=item, actor=request.user, values=form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
        if form.errors:
            if is_htmx(request):
                # 200, not 422: htmx swaps only successful answers by default.
                context = self.item_context(self.get_item(), form)
                return TemplateResponse(request, "audits/_checklist_item_form.html", context)
            return self.page(request, self.get_item(), form=form, status=400)
        item = self.get_item()
        if is_htmx(request):
            return TemplateResponse(request, "audits/_checklist_item.html", self.item_context(item))
        messages.success(request, f"{item.subject.reference} recorded.")
        return redirect(self.checklist_url(item))


class EvidenceUploadView(ChecklistItemView):
    """POST a file as evidence of an item; back to the item's page."""

    required_capability = Capability.RECORD_AUDIT_RESULTS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_recorder()
        item = self.get_item()
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                evidence = services.evidence_file_add(
                    item=item, actor=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{evidence.name} is attached to {item.subject.reference}.")
                return redirect("audits:checklist_item", self.organization.slug, self.get_audit().pk, item.pk)
        return self.page(request, item, upload_form=form, status=400)


class EvidenceDownloadView(OrganizationPageMixin, View):
    """An evidence file, to the organization's members only (another organization's: 404)."""

    def get(self, request, *args, **kwargs):
        evidence = selectors.evidence_file_get(
            organization=self.organization, evidence_id=kwargs["evidence_id"]
        )
        return FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.name,
            content_type=evidence.content_type,
        )


class FindingRaiseView(ChecklistItemView):
    """Raise a finding from an item with a result other than conforming."""

    required_capability = Capability.RECORD_AUDIT_RESULTS

    def render_form(self, request, item, form, status=200):
        context = self.item_context(item, form)
        return TemplateResponse(request, "audits/finding_raise.html", context, status=status)

    def get(self, request, *args, **kwargs):
        self.require_recorder()
        item = self.get_item()
        severity = item.result if item.result not in ("", Result.CONFORMING) else ""
        form = FindingForm(initial={"severity": severity, "description": item.notes})
        return self.render_form(request, item, form)

    def post(self, request, *args, **kwargs):
        self.require_recorder()
        item = self.get_item()
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                finding = services.finding_create(
                    item=item,
                    actor=request.user,
                    description=form.cleaned_data["description"],
                    severity=form.cleaned_data["severity"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{finding.reference} raised from {item.subject.reference}.")
                return redirect("audits:finding_detail", self.organization.slug, finding.pk)
        return self.render_form(request, item, form, status=400)
