"""The overview dashboard: how far the organization is, across every domain app."""

from django.utils import timezone
from django.views.generic import RedirectView, TemplateView

from core.audit_trail import Trail
from organizations.scoping import OrganizationPageMixin
from risks.selectors import risk_overview
from soa.gap_analysis import gap_analysis_for
from soa.selectors import progress_for

from . import selectors
from .work import DUE_SOON_DAYS, work_queue


class OverviewView(OrganizationPageMixin, TemplateView):
    """SoA progress per standard, ISO/IEC 42001 coverage from ISO/IEC 27001, the heat maps,
    AI systems, the top risks and the overdue work: each figure links to the list it counts."""

    template_name = "portal/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = risk_overview(self.organization)
        context.update(
            risk_overview=overview,
            top_risks=selectors.top_risks_above_appetite(self.organization, overview.methodology),
            soa_progress=progress_for(self.organization),
            soa_gap=gap_analysis_for(self.organization),
            ai_systems=selectors.ai_systems_summary(self.organization),
            audit_summary=selectors.audit_summary(self.organization),
            recent_activity=Trail(self.organization)[0:6],
        )
        return context


class MyWorkView(OrganizationPageMixin, TemplateView):
    """What waits for the signed-in member: reviews and sign-offs, actions due soon or
    overdue, risks to review, the SoA's approval and audits with items to record."""

    template_name = "portal/my_work.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            work=work_queue(self.organization, self.membership),
            due_soon_days=DUE_SOON_DAYS,
            today=timezone.localdate(),
        )
        return context


class OldMyWorkRedirect(RedirectView):
    """The page used to live under the risk register ("My overdue treatments")."""

    pattern_name = "portal:my_work"
    permanent = True
