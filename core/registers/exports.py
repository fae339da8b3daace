"""A register as a CSV or XLSX file: the records its list page shows, with the
same query string (filters and ordering), all of them rather than a page.

CSV is streamed (``StreamingHttpResponse``, the records read a thousand at a time), so its
first bytes leave at once and the whole file is never held in memory. XLSX is one zip
written at the end; beyond ``settings.EXPORT_INLINE_MAX_ROWS`` records a register that names
a ``background_kind`` (a generated document that builds the same workbook from the same
filters) answers with a page offering to build it in the background instead of keeping
the request waiting (10,000 assets took 28 s inside the request).
"""

from collections.abc import Callable, Iterable, Iterator, Sequence

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ..roles import Capability
from ..tabular import CSV, XLSX, Column, csv_chunks, table_response, table_write
from .filters import RegisterFilterSet

#: The list page's sorting and paging say nothing about which records: not parameters of a background export.
PAGE_ONLY_PARAMETERS = frozenset({"ordering", "page", "page_size", "format"})


def export_format_parse(value, *, default: str = XLSX) -> str:
    """``csv`` or ``xlsx`` from a query string; ``default`` for anything else."""
    return value if value in (CSV, XLSX) else default


def export_inline_max_rows() -> int:
    return settings.EXPORT_INLINE_MAX_ROWS


class RegisterExportView(View):
    """GET ``?format=csv|xlsx`` plus the list page's filters and ordering.

    A register names its filterset, base queryset, default ordering,
    ``columns`` and ``export_rows`` (one list of cell values per record, in
    column order; wrap it in ``staticmethod``), the sheet ``title`` and the
    ``filename_part``: the file is ``<organization>-<filename_part>-<date>.<format>``.
    ``background_kind`` names the generated document that builds the same XLSX
    in the background, offered instead when the export is large.
    """

    required_capability = Capability.EXPORT
    filterset_class: type[RegisterFilterSet]
    default_ordering: Sequence[str]
    columns: Sequence[Column]
    export_rows: Callable[[Iterable], Iterator[list]]
    title: str
    filename_part: str
    background_kind: str | None = None
    template_name_background = "core/register_export_background.html"

    def get_base_queryset(self) -> QuerySet:
        raise NotImplementedError("A register export declares get_base_queryset(): its records.")

    def get(self, request, *args, **kwargs):
        fmt = export_format_parse(request.GET.get("format"))
        filterset = self.filterset_class(
            request.GET or None,
            queryset=self.get_base_queryset(),
            request=request,
            organization=self.organization,
        )
        queryset = filterset.qs
        if not request.GET.get("ordering"):
            queryset = queryset.order_by(*self.default_ordering)
        stem = f"{self.organization.slug}-{self.filename_part}-{timezone.localdate():%Y-%m-%d}"
        if fmt == CSV:
            rows = self.export_rows(queryset.iterator(chunk_size=1000))
            return table_response(csv_chunks(rows, columns=self.columns), fmt=fmt, filename_stem=stem)
        if self.background_kind:
            count = queryset.count()
            if count > export_inline_max_rows():
                return self.offer_background(request, count=count)
        content = table_write(self.export_rows(queryset), columns=self.columns, fmt=fmt, title=self.title)
        return table_response(content, fmt=fmt, filename_stem=stem)

    def offer_background(self, request, *, count: int):
        """A page with one button that requests the workbook as a generated document (POST).

        A GET never writes: the document is requested only when the person confirms.
        """
        parameters = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in PAGE_ONLY_PARAMETERS
            for value in values
            if value
        ]
        return render(
            request,
            self.template_name_background,
            {
                "organization": self.organization,
                "membership": self.membership,
                "title": self.title,
                "count": count,
                "limit": export_inline_max_rows(),
                "kind": self.background_kind,
                "parameters": parameters,
                "request_url": reverse("documents:request", args=[self.organization.slug]),
                "back_url": self.list_url(request),
            },
        )

    def list_url(self, request) -> str:
        """The list page this export came from, with the same filters."""
        url_name = request.resolver_match.view_name.rsplit(":", 1)[0] + ":list"
        query = request.GET.copy()
        query.pop("format", None)
        url = reverse(url_name, args=[self.organization.slug])
        return f"{url}?{query.urlencode()}" if query else url
