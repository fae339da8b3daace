from rest_framework import exceptions, pagination


def _positive_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value >= 1 else None


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=``, refused with a 400 naming the parameter
    when unreadable (DRF silently falls back to the default page size); a page
    past the last one is a 404, as DRF answers it."""

    page_size_query_param = "page_size"
    max_page_size = 500

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
