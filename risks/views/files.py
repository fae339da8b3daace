"""The register as CSV or XLSX: export (the filtered register), and import
with a preview of every row before anything is written."""

from django.utils import timezone
from django.views import View

from core.import_views import TableImportConfirmView, TableImportTemplateView, TableImportView
from core.roles import Capability
from core.tabular import CSV, XLSX, table_response, table_write
from organizations.scoping import OrganizationPageMixin

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
)


class RiskExportView(OrganizationPageMixin, View):
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


class RiskImportTemplateView(OrganizationPageMixin, TableImportTemplateView):
    columns = RISK_COLUMNS
    title = "Risk register"
    filename_stem = "risk-import-template"


class RiskImportView(OrganizationPageMixin, TableImportView):
    template_name = "risks/risk_import.html"
    preview_template_name = "risks/risk_import_preview.html"
    form_class = RiskImportForm
    columns = RISK_COLUMNS
    max_rows = BULK_MAX_ITEMS
    noun = "risks"
    register_name = "register"
    salt = "risks.import"
    list_url_name = "risks:list"
    import_url_name = "risks:import"
    template_url_name = "risks:import_template"
    preview = staticmethod(risk_import_preview)
    write = staticmethod(risk_import)
    import_error = RiskImportError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["methodology"] = selectors.methodology_for(self.organization)
        return context


class RiskImportConfirmView(TableImportConfirmView, RiskImportView):
    pass
