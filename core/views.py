"""Views the registers share (scoping: ``organizations.scoping``)."""

from django.core.paginator import Paginator
from django.db.models import Model
from django.http import JsonResponse
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from .health import health_report
from .history import record_history

#: Entries per history page.
HISTORY_PAGE_SIZE = 50


def history_page(request, entries):
    """The page of ``entries`` the request asks for (``?page=``), for the pagination partial."""
    paginator = Paginator(entries, HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {"entries": page.object_list, "page_obj": page, "paginator": paginator}


class RecordHistoryView(SingleObjectMixin, TemplateView):
    """The history page of one record of ``self.organization`` (set by the
    scoping mixin it is combined with: ``organizations.scoping``). The record is
    looked up inside the organization, so another organization's id answers 404.
    The history is paginated and includes the record's parts (``core.history.record_history``).
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
        context.update(
            history_page(self.request, record_history(self.model, self.object.history.all(), self.object.pk))
        )
        context["record_kind"] = self.object._meta.verbose_name
        return context


def healthz(request):
    report, healthy = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
