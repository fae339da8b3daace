from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from . import selectors


class CatalogueRedirectView(OrganizationPageMixin, View):
    def get(self, request, *args, **kwargs):
        return redirect("controls:catalogue", self.organization.slug, selectors.ISO27001)


class CatalogueView(OrganizationPageMixin, TemplateView):
    """One framework's Annex A, grouped by theme or objective, with search and a theme filter."""

    template_name = "controls/catalogue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        framework = selectors.framework_get(kwargs["framework_code"])
        query = self.request.GET.get("q", "").strip()
        group = self.request.GET.get("group", "").strip()
        controls = list(selectors.controls_search(framework=framework, query=query, group=group))
        groups = list(selectors.groups_of(framework))
        sections = [(g, [c for c in controls if c.group_id == g.pk]) for g in groups]
        context.update(
            framework=framework,
            frameworks=selectors.frameworks(),
            groups=groups,
            sections=[(g, rows) for g, rows in sections if rows],
            query=query,
            group=group,
            result_count=len(controls),
            is_source_of_crosswalk=framework.code == selectors.ISO42001,
        )
        return context


class ControlDetailView(OrganizationPageMixin, TemplateView):
    template_name = "controls/control_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        control = selectors.control_get(
            framework_code=kwargs["framework_code"], reference=kwargs["reference"]
        )
        context.update(
            control=control,
            framework=control.framework,
            counterparts=selectors.control_counterparts(control),
            where_used=where_used(control, organization=self.organization),
        )
        return context


class ClausesView(OrganizationPageMixin, TemplateView):
    template_name = "controls/clauses.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        framework = selectors.framework_get(kwargs["framework_code"])
        context.update(
            framework=framework, frameworks=selectors.frameworks(), clauses=selectors.clauses_of(framework)
        )
        return context


class CrosswalkView(OrganizationPageMixin, TemplateView):
    """ISO/IEC 42001 beside ISO/IEC 27001, with coverage figures computed from the mapping."""

    template_name = "controls/crosswalk.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        walk = selectors.crosswalk()
        bucket = self.request.GET.get("bucket", "")
        context.update(
            walk=walk,
            bucket=bucket,
            rows=[r for r in walk.rows if r.bucket == bucket] if bucket else walk.rows,
            buckets=selectors.BUCKETS,
        )
        return context
