"""The register as CSV or XLSX: export (the filtered register), and import
with a preview of every row before anything is written."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from core.tabular import CSV, XLSX, TabularError, table_read, table_response, table_write
from core.views import OrganizationMixin
from organizations.roles import Capability

from .. import selectors
from ..filters import RiskFilter
from ..forms import RiskImportForm
from ..services.bulk import BULK_MAX_ITEMS
from ..tabular import (
    RISK_COLUMNS,
    RiskImportError,
    risk_export_rows,
    risk_import,
    risk_import_preview,
    table_rows_pack,
    table_rows_unpack,
)

IMPORT_SALT = "risks.import"
IMPORT_MAX_AGE = 2 * 60 * 60


class RiskExportView(OrganizationMixin, View):
    """The filtered register as CSV or XLSX (same query string as the register page)."""

    required_capability = Capability.EXPORT

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format", XLSX)
        if fmt not in (CSV, XLSX):
            fmt = XLSX
        base = selectors.risks_with_links(
            selectors.risks_for(self.organization).select_related("accepted_by")
        )
        queryset = RiskFilter(request.GET or None, queryset=base, request=request).qs
        if not request.GET.get("ordering"):
            queryset = queryset.order_by("number")
        content = table_write(
            risk_export_rows(queryset), columns=RISK_COLUMNS, fmt=fmt, title="Risk register"
        )
        stem = f"{self.organization.slug}-risk-register-{timezone.localdate():%Y-%m-%d}"
        return table_response(content, fmt=fmt, filename_stem=stem)


class RiskImportTemplateView(OrganizationMixin, View):
    """An empty file with the import columns (and, in XLSX, a sheet explaining them)."""

    required_capability = Capability.EDIT_OWN

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in (CSV, XLSX):
            raise Http404("No such format")
        content = table_write([], columns=RISK_COLUMNS, fmt=fmt, title="Risk register")
        return table_response(content, fmt=fmt, filename_stem="risk-import-template")


class RiskImportView(OrganizationMixin, FormView):
    """Step 1: upload. Step 2 (the answer to the upload): a preview of every row
    and its problems; nothing is written. Step 3: ``RiskImportConfirmView``."""

    required_capability = Capability.EDIT_OWN
    template_name = "risks/risk_import.html"
    form_class = RiskImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = RISK_COLUMNS
        context["methodology"] = selectors.methodology_for(self.organization)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            table = table_read(upload, columns=RISK_COLUMNS, max_rows=BULK_MAX_ITEMS)
        except TabularError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if not table.rows:
            form.add_error("file", "The file has a header row but no risks under it.")
            return self.form_invalid(form)
        preview = risk_import_preview(
            organization=self.organization, actor=self.request.user, rows=table.rows
        )
        return self._preview(
            preview, packed=table_rows_pack(table), filename=upload.name, ignored=table.ignored_headers
        )

    def _preview(self, preview, *, packed, filename, ignored=(), status=200):
        token = signing.dumps(
            {"o": self.organization.pk, "u": self.request.user.pk, "f": filename, "rows": packed},
            salt=IMPORT_SALT,
            compress=True,
        )
        context = self.get_context_data(
            preview=preview, token=token, filename=filename, ignored_headers=ignored, form=RiskImportForm()
        )
        return render(self.request, "risks/risk_import_preview.html", context, status=status)


class RiskImportConfirmView(RiskImportView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            payload = signing.loads(request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, "This preview has expired or was altered. Upload the file again.")
            return redirect("risks:import", organization_slug=self.organization.slug)
        if payload.get("o") != self.organization.pk or payload.get("u") != request.user.pk:
            raise PermissionDenied("This preview belongs to another organization or user.")
        rows = table_rows_unpack(payload["rows"])
        filename = payload.get("f", "")
        try:
            risks = risk_import(
                organization=self.organization, actor=request.user, rows=rows, filename=filename
            )
        except RiskImportError:
            # Something changed since the preview (a reference taken, a member removed): show it again.
            preview = risk_import_preview(organization=self.organization, actor=request.user, rows=rows)
            messages.error(request, "The register changed since the preview; nothing was imported.")
            return self._preview(preview, packed=payload["rows"], filename=filename, status=400)
        messages.success(
            request, f"Imported {len(risks)} risk{'s' if len(risks) != 1 else ''} from {filename}."
        )
        return redirect(reverse("risks:list", args=[self.organization.slug]) + "?ordering=-created_at")
