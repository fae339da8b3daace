"""The gap analysis: what ISO/IEC 42001 adds to this organization's ISO/IEC 27001."""

from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.registers.exports import export_format_parse
from core.roles import Capability
from core.tabular import table_response, table_write
from organizations.scoping import OrganizationPageMixin

from .. import selectors
from ..gap_analysis import NEW_WORK, VERDICTS, gap_analysis_for
from ..tabular import GAP_COLUMNS, gap_export_rows


class GapAnalysisView(OrganizationPageMixin, TemplateView):
    """Each ISO/IEC 42001 control covered, partly covered or new work, with the
    ISO/IEC 27001 controls behind it; totals from the data; the method stated."""

    template_name = "soa/gap_analysis.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        analysis = gap_analysis_for(self.organization)
        verdict = self.request.GET.get("verdict", "")
        verdicts = dict(VERDICTS)
        rows = [r for r in analysis.rows if r.verdict == verdict] if verdict in verdicts else analysis.rows
        context.update(
            analysis=analysis,
            rows=rows,
            verdict=verdict if verdict in verdicts else "",
            verdict_choices=VERDICTS,
            ai_specific_new=sum(1 for r in analysis.rows if r.ai_specific and r.verdict == NEW_WORK),
            can_export=self.membership.can(Capability.EXPORT),
            frameworks=selectors.soa_frameworks(),
        )
        return context


class GapAnalysisExportView(OrganizationPageMixin, View):
    """The gap analysis as CSV or XLSX: one row per ISO/IEC 42001 control."""

    required_capability = Capability.EXPORT

    def get(self, request, *args, **kwargs):
        fmt = export_format_parse(request.GET.get("format"))
        analysis = gap_analysis_for(self.organization)
        content = table_write(gap_export_rows(analysis), columns=GAP_COLUMNS, fmt=fmt, title="Gap analysis")
        stem = f"{self.organization.slug}-gap-analysis-{timezone.localdate():%Y-%m-%d}"
        return table_response(content, fmt=fmt, filename_stem=stem)
