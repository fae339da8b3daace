from django.core.paginator import Paginator
from rest_framework import exceptions, pagination


def _positive_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value >= 1 else None


class CountInPagePaginator(Paginator):
    """Django's paginator, reading the page and the count in one query when its list can
    (``core.api.lists.CountedValues.page_with_count``). A page past the end (no rows, so
    no count read with them) is left to Django's own path: a count, then its error."""

    def page(self, number):
        read = getattr(self.object_list, "page_with_count", None)
        if read is None or "count" in self.__dict__ or self.orphans:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        if number < 1:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        found = read(bottom, bottom + self.per_page)
        if found is None or not found[0]:
            return super().page(number)
        rows, self.__dict__["count"] = found  # what the cached ``count`` property would read
        return self._get_page(rows, number, self)


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=``, refused with a 400 naming the parameter
    when unreadable (DRF silently falls back to the default page size); a page
    past the last one is a 404, as DRF answers it."""

    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CountInPagePaginator

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = _positive_int(raw)
        if size is None or size > self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "") and raw not in self.last_page_strings and _positive_int(raw) is None:
            raise exceptions.ValidationError(
                {self.page_query_param: ["Give a page number from 1 (or `last`)."]}
            )
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
