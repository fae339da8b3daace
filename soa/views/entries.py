"""The live Statement of Applicability: the table, a row edited in place (htmx),
many rows at once, a decision applied across the crosswalk, exports and history.
Views resolve the organization through ``OrganizationPageMixin``, read through
``selectors`` and write through ``services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from controls.models import ControlGroup
from core.registers.exports import RegisterExportView
from core.registers.lists import RegisterListView, RegisterURLs
from core.registers.members import member_users, members_sorted
from core.roles import Capability
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin, OrganizationRecordHistoryView

from .. import selectors, services
from ..checks import CHECKS
from ..filters import APPLICABLE_CHOICES, SoAPageFilter
from ..forms import SoABulkForm, SoAEntryForm
from ..models import ImplementationStatus, ReasonKind, SoAEntry
from ..tabular import SOA_COLUMNS, soa_export_rows

#: Catalogue order: the SoA reads theme by theme, as the standards do.
CATALOGUE_ORDER = ("control__framework__order", "control__order")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


#: A row id no row has: each row URL is reversed once with it, then filled in per row.
#: Reversed in the template, 131 rows cost some 600 reverses, a fifth of the page's
#: render at scale (issue 14).
_ANY_PK = 2_147_483_647


def row_url_maker(organization):
    """What gives a row its links (``entry.urls``): the row URLs reversed once."""
    slug = organization.slug
    templates = {
        name: reverse(f"soa:{name}", args=[slug, _ANY_PK])
        for name in ("detail", "edit", "apply_to_mapped", "history")
    }
    risks = reverse("risks:list", args=[slug])
    marker = f"/{_ANY_PK}/"

    def urls(entry: SoAEntry) -> dict[str, str]:
        found = {name: url.replace(marker, f"/{entry.pk}/") for name, url in templates.items()}
        found["risks"] = risks
        return found

    return urls


def row_decorate(entries, *, membership, counterparts, organization) -> list[SoAEntry]:
    """What a row shows beside its own fields, at no query: its problems, its
    reasons (recorded and derived), its crosswalk counterparts, whether the
    member may change it, its links."""
    rows = list(entries)
    urls = row_url_maker(organization)
    for entry in rows:
        entry.problem_list = selectors.entry_problems(entry)
        entry.reason_list = selectors.reasons_of(entry)
        entry.counterpart_list = counterparts.get(entry.control_id, [])
        entry.editable = membership.can_edit(entry)
        entry.urls = urls(entry)
    return rows


class SoAListView(OrganizationPageMixin, RegisterListView):
    """Both standards in one table (an "all" view and a tab per standard), grouped by
    theme or objective, with progress, problems, filters, inline and bulk editing."""

    template_name = "soa/entry_list.html"
    filterset_class = SoAPageFilter
    default_ordering = CATALOGUE_ORDER
    context_object_name = "entries"
    noun, noun_plural = "control", "controls"
    urls = RegisterURLs(list="soa:list", export="soa:export")
    # Both catalogues fit on one page (131 rows): the SoA reads as a whole.
    default_page_size = 200

    def get_base_queryset(self):
        return selectors.entries_for(self.organization)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counterparts = selectors.counterparts_by_control(self.organization)
        rows = row_decorate(
            context["records"],
            membership=self.membership,
            counterparts=counterparts,
            organization=self.organization,
        )
        context["records"] = context["entries"] = rows
        return context

    def get_extra_context(self):
        params = self.request.GET
        frameworks = selectors.soa_frameworks()
        groups = ControlGroup.objects.filter(framework__in=frameworks).select_related("framework")
        problems = selectors.problems_for(self.organization)
        latest = selectors.version_latest(self.organization)
        return {
            "frameworks": frameworks,
            "current_framework": params.get("framework", ""),
            "progress": selectors.progress_for(self.organization),
            "problems": problems,
            "problem_total": len({e.pk for group in problems for e in group.entries}),
            "theme_choices": [
                (
                    fw.short_name,
                    [(g.reference, f"{g.reference} {g.title}") for g in groups if g.framework_id == fw.pk],
                )
                for fw in frameworks
            ],
            "framework_choices": [(fw.code, fw.short_name) for fw in frameworks],
            "applicable_choices": APPLICABLE_CHOICES,
            "status_choices": ImplementationStatus.choices,
            "reason_choices": ReasonKind.choices,
            "problem_choices": [("true", "Has a problem"), ("false", "No problem")],
            "check_choices": [(c.code, c.title) for c in CHECKS],
            "members": members_sorted(self.organization),
            "group_rows": not params.get("ordering"),
            "can_bulk_edit": self.membership.can_create,
            "can_approve": self.membership.can(Capability.APPROVE),
            "latest_version": latest,
            "bulk_form": SoABulkForm(members=member_users(self.organization)),
        }


class SoAExportView(OrganizationPageMixin, RegisterExportView):
    """The live SoA as CSV or XLSX, with the page's filters (the columns of a version)."""

    filterset_class = SoAPageFilter
    default_ordering = CATALOGUE_ORDER
    columns = SOA_COLUMNS
    export_rows = staticmethod(soa_export_rows)
    title = "Statement of Applicability"
    filename_part = "soa"

    def get_base_queryset(self):
        return selectors.entries_with_risks_for(self.organization)


class SoAEntryHistoryView(OrganizationRecordHistoryView):
    model = SoAEntry

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record_url"] = reverse("soa:detail", args=[self.organization.slug, self.object.pk])
        return context


class SoARowMixin(OrganizationPageMixin):
    """One row of the organization (404 outside it), for the row's own pages."""

    def get_entry(self) -> SoAEntry:
        return selectors.entry_get(organization=self.organization, entry_id=self.kwargs["pk"])

    def row_context(self, entry: SoAEntry) -> dict:
        counterparts = selectors.counterparts_by_control(self.organization)
        (entry,) = row_decorate(
            [entry], membership=self.membership, counterparts=counterparts, organization=self.organization
        )
        return {
            "organization": self.organization,
            "membership": self.membership,
            "entry": entry,
            "can_bulk_edit": self.membership.can_create,
        }

    def list_url(self, entry: SoAEntry) -> str:
        return reverse("soa:list", args=[self.organization.slug]) + f"#soa-row-{entry.pk}"


class SoAEntryDetailView(SoARowMixin, TemplateView):
    """One row on a page of its own: its decision as recorded and where it is used (the
    risks its control treats, the audits that tested it, its counterparts' rows)."""

    template_name = "soa/entry_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.get_entry()
        context.update(self.row_context(entry))
        context["where_used"] = where_used(entry, organization=self.organization)
        return context


class SoARowView(SoARowMixin, View):
    """GET: the row as the table shows it (htmx swaps it back after "Cancel")."""

    def get(self, request, *args, **kwargs):
        return TemplateResponse(request, "soa/_row.html", self.row_context(self.get_entry()))


class SoARowEditView(SoARowMixin, View):
    """The row's form. With htmx the row swaps to it and back; without, it is a page of its own."""

    required_capability = Capability.EDIT_OWN

    def form_for(self, entry, data=None) -> SoAEntryForm:
        return SoAEntryForm(
            data, instance=entry, members=member_users(self.organization), membership=self.membership
        )

    def render_form(self, request, entry, form, status=200):
        context = self.row_context(entry) | {"form": form}
        template = "soa/_row_form.html" if is_htmx(request) else "soa/entry_edit.html"
        return TemplateResponse(request, template, context, status=status)

    def get_editable_entry(self) -> SoAEntry:
        entry = self.get_entry()
        if not self.membership.can_edit(entry):
            raise PermissionDenied("You can change only the SoA rows you own.")
        return entry

    def get(self, request, *args, **kwargs):
        entry = self.get_editable_entry()
        return self.render_form(request, entry, self.form_for(entry))

    def post(self, request, *args, **kwargs):
        entry = self.get_editable_entry()
        form = self.form_for(entry, request.POST)
        if form.is_valid():
            try:
                services.soa_entry_update(
                    entry=entry, actor=request.user, values=form.values(), reasons=form.reasons()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
        if not form.is_valid() or form.errors:
            # 200, not 422: htmx swaps only successful answers by default.
            return self.render_form(request, entry, form)
        entry = self.get_entry()  # fresh annotations: its problems may have changed
        if is_htmx(request):
            return TemplateResponse(request, "soa/_row.html", self.row_context(entry))
        messages.success(request, f"{entry.control.reference} {entry.control.title} is saved.")
        return redirect(self.list_url(entry))


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


class SoABulkEditView(OrganizationPageMixin, TemplateView):
    """Change the selected rows together (status, owner, applicability with one
    justification) through ``soa_bulk_update``: all or nothing, each failing row
    listed with its errors."""

    required_capability = Capability.EDIT_OWN
    template_name = "soa/bulk_edit.html"

    def get(self, request, *args, **kwargs):
        return redirect("soa:list", organization_slug=self.organization.slug)

    def post(self, request, *args, **kwargs):
        ids = [int(v) for v in request.POST.getlist("rows") if v.isdigit()]
        list_url = reverse("soa:list", args=[self.organization.slug])
        next_url = _safe_next(request, list_url)
        form = SoABulkForm(request.POST, members=member_users(self.organization))
        rows = list(selectors.entries_for(self.organization).filter(pk__in=ids))
        row_errors = {}
        if not rows:
            messages.warning(request, "Select at least one row to change.")
            return HttpResponseRedirect(next_url)
        if form.is_valid():
            changes = [{"id": row.pk, **form.values()} for row in rows]
            try:
                services.soa_bulk_update(organization=self.organization, actor=request.user, changes=changes)
            except services.SoABulkError as exc:
                row_errors = exc.errors
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"{len(rows)} row{'s' if len(rows) != 1 else ''} changed.")
                return HttpResponseRedirect(next_url)
        for row in rows:
            row.bulk_errors = [
                f"{'' if name == 'non_field_errors' else name.replace('_', ' ').capitalize() + ': '}{message}"
                for name, messages_ in row_errors.get(row.pk, {}).items()
                for message in messages_
            ]
        context = self.get_context_data(form=form, rows=rows, next=next_url, failing=len(row_errors))
        return self.render_to_response(context)


class SoAApplyToMappedView(SoARowMixin, TemplateView):
    """ "Apply this decision to the mapped controls": GET lists exactly what changes
    (the service's dry run); POST applies it."""

    required_capability = Capability.EDIT_OWN
    template_name = "soa/apply_to_mapped.html"

    def get(self, request, *args, **kwargs):
        entry = self.get_entry()
        changes, error = [], ""
        try:
            changes = services.soa_apply_to_mapped(entry=entry, actor=request.user, dry_run=True)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        context = self.get_context_data(
            entry=entry,
            changes=changes,
            error=error,
            counterparts=selectors.counterpart_entries(entry),
            reasons=selectors.reasons_of(entry),
            list_url=self.list_url(entry),
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        try:
            changed = services.soa_apply_to_mapped(entry=entry, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("soa:apply_to_mapped", organization_slug=self.organization.slug, pk=entry.pk)
        references = ", ".join(c.entry.control.reference for c in changed) or "no row"
        messages.success(request, f"The decision on {entry.control.reference} is applied to {references}.")
        return redirect(self.list_url(entry))
