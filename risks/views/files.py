"""The register as CSV or XLSX: export (the filtered register), and import
with a preview of every row before anything is written."""

from core.registers.exports import RegisterExportView
from core.registers.import_views import TableImportConfirmView, TableImportTemplateView, TableImportView
from organizations.scoping import OrganizationPageMixin

from .. import selectors
from ..documents import RISK_REGISTER_XLSX
from ..filters import RiskFilter
from ..tabular import RISK_COLUMNS, RISK_IMPORT, risk_export_rows


class RiskExportView(OrganizationPageMixin, RegisterExportView):
    """The filtered register as CSV or XLSX (same query string as the register page)."""

    filterset_class = RiskFilter
    default_ordering = ("number",)
    columns = RISK_COLUMNS
    export_rows = staticmethod(risk_export_rows)
    title = "Risk register"
    filename_part = "risk-register"
    background_kind = RISK_REGISTER_XLSX

    def get_base_queryset(self):
        return selectors.risks_with_links(
            selectors.risks_for(self.organization).select_related("accepted_by")
        )


class RiskImportTemplateView(OrganizationPageMixin, TableImportTemplateView):
    columns = RISK_COLUMNS
    title = "Risk register"
    filename_stem = "risk-import-template"


class RiskImportView(OrganizationPageMixin, TableImportView):
    template_name = "risks/risk_import.html"
    preview_template_name = "risks/risk_import_preview.html"
    table_import = RISK_IMPORT
    noun = "risks"
    register_name = "register"
    salt = "risks.import"
    list_url_name = "risks:list"
    import_url_name = "risks:import"
    confirm_url_name = "risks:import_confirm"
    template_url_name = "risks:import_template"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["methodology"] = selectors.methodology_for(self.organization)
        return context


class RiskImportConfirmView(TableImportConfirmView, RiskImportView):
    pass
