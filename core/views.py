"""Views the registers share (scoping: ``organizations.scoping``)."""

from django.db.models import Model
from django.http import JsonResponse
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from .health import health_report
from .history import history_for


class RecordHistoryView(SingleObjectMixin, TemplateView):
    """The history page of one record of ``self.organization`` (set by the
    scoping mixin it is combined with: ``organizations.scoping``). The record is
    looked up inside the organization, so another organization's id answers 404.
    """

    model: type[Model]

    def get_queryset(self):
        return self.model.objects.for_organization(self.organization)

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
