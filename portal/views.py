"""The overview dashboard: how far the organization is, across every domain app."""

from django.views.generic import TemplateView

from controls.selectors import crosswalk_summary
from core.audit_trail import Trail
from core.roles import ROLE_CAPABILITIES, Role
from organizations.scoping import OrganizationPageMixin
from organizations.selectors import members_of
from risks.selectors import risk_overview
from soa.gap_analysis import gap_analysis_for
from soa.selectors import progress_for


class OverviewView(OrganizationPageMixin, TemplateView):
    template_name = "portal/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = list(members_of(self.organization))
        context["members"] = members
        counts = ((label, sum(1 for m in members if m.role == value)) for value, label in Role.choices)
        context["role_summary"] = " · ".join(f"{n} {label.lower()}" for label, n in counts if n)
        context["my_capabilities"] = sorted(
            c.value.replace("_", " ") for c in ROLE_CAPABILITIES[self.membership.role]
        )
        context["recent_activity"] = Trail(self.organization)[0:8]
        context["crosswalk"] = crosswalk_summary()
        context["risk_overview"] = risk_overview(self.organization)
        context["soa_progress"] = progress_for(self.organization)
        context["soa_gap"] = gap_analysis_for(self.organization)
        return context
