"""A register as a CSV or XLSX file: the records its list page shows, with the
same query string (filters and ordering), all of them rather than a page."""

from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.views import View

from ..roles import Capability
from ..tabular import CSV, XLSX, Column, table_response, table_write
from .filters import RegisterFilterSet


def export_format_parse(value, *, default: str = XLSX) -> str:
    """``csv`` or ``xlsx`` from a query string; ``default`` for anything else."""
    return value if value in (CSV, XLSX) else default


class RegisterExportView(View):
    """GET ``?format=csv|xlsx`` plus the list page's filters and ordering.

    A register names its filterset, base queryset, default ordering,
    ``columns`` and ``export_rows`` (one list of cell values per record, in
    column order; wrap it in ``staticmethod``), the sheet ``title`` and the
    ``filename_part``: the file is ``<organization>-<filename_part>-<date>.<format>``.
    """

    required_capability = Capability.EXPORT
    filterset_class: type[RegisterFilterSet]
    default_ordering: Sequence[str]
    columns: Sequence[Column]
    export_rows: Callable[[Iterable], Iterator[list]]
    title: str
    filename_part: str

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
        content = table_write(self.export_rows(queryset), columns=self.columns, fmt=fmt, title=self.title)
        stem = f"{self.organization.slug}-{self.filename_part}-{timezone.localdate():%Y-%m-%d}"
        return table_response(content, fmt=fmt, filename_stem=stem)
