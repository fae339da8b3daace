"""Base views: every organization page goes through ``OrganizationMixin``."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import JsonResponse
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from organizations.roles import Capability
from organizations.selectors import membership_for

from .health import health_report
from .history import history_for


class OrganizationMixin(LoginRequiredMixin):
    """Resolves ``<organization_slug>`` to the user's membership (404 if none)
    and checks ``required_capability`` (403: a member may know the page exists).

    Sets ``self.organization`` and ``self.membership`` (also on the request,
    for templates and the navigation).
    """

    required_capability: Capability = Capability.VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = membership_for(user=request.user, organization_slug=kwargs["organization_slug"])
        self.organization = self.membership.organization
        request.organization = self.organization
        request.membership = self.membership
        request.session["organization_slug"] = self.organization.slug
        if not self.membership.can(self.required_capability):
            raise PermissionDenied("Your role in this organization does not allow this.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["membership"] = self.membership
        return context


class OrganizationScopedMixin(OrganizationMixin):
    """For views over one model: the queryset never leaves the organization."""

    model: type[Model]

    def get_queryset(self):
        return self.model.objects.for_organization(self.organization)


class RecordHistoryView(OrganizationScopedMixin, SingleObjectMixin, TemplateView):
    """The history page of one record of the organization.

    Routed as ``RecordHistoryView.as_view(model=Asset)``; the record is looked
    up inside the organization, so another organization's id answers 404.
    """

    template_name = "core/record_history.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.object
        context["entries"] = history_for(self.object)
        context["record_kind"] = self.object._meta.verbose_name
        return context


def healthz(request):
    report, healthy = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
