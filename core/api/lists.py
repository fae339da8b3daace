"""API lists answered from ``.values()`` rows (issue 14).

A page of 50 assets built from model instances, their prefetches and a
serializer spent most of its time creating objects that were thrown away at
once. ``ValuesListMixin`` keeps everything a list means — the filter backends,
the ordering, the pagination and its envelope, the serializer that the OpenAPI
schema is generated from — and only reads the page with ``.values()``: the
viewset names the columns (``list_values``) and turns the page's dicts into the
answer's rows (``list_rows``), reading what they link to in a query per kind.
Each register holds its rows equal to its serializer's, item by item, in a test.
"""

import datetime

from django.utils import timezone
from rest_framework.response import Response


class ValuesListMixin:
    """``list`` from the page's ``.values()``; the other actions are untouched.

    The viewset names the columns (``list_values``) and defines ``list_rows(values)``,
    which turns the page's dicts into the answer's rows.
    """

    #: The columns ``list_rows`` reads, as ``.values()`` names them (``owner__username``).
    list_values: tuple[str, ...] = ()

    def list(self, request, *args, **kwargs):
        # The instance-level prefetches and annotations of the other actions are not read here.
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(CountedValues(queryset, self.list_values))
        if page is None:
            return Response(self.list_rows(list(queryset.values(*self.list_values))))
        return self.get_paginated_response(self.list_rows(list(page)))


class CountedValues:
    """What the paginator slices: ``.values()`` of ``queryset``, counted on ``queryset``
    itself — the count of the ``.values()`` would join every table its columns come from."""

    def __init__(self, queryset, columns):
        self.queryset = queryset
        self.values = queryset.values(*columns)
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, key):
        return list(self.values[key])


class DateTimeText:
    """What DRF's ``DateTimeField`` answers for an aware datetime (ISO 8601 in the
    current time zone, ``Z`` for UTC), without its per-value setting lookups: a
    page of 500 rows formats 1,000 of them."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()

    def __call__(self, value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


def date_text(value: datetime.date | None) -> str | None:
    """What DRF's ``DateField`` answers."""
    return value.isoformat() if value is not None else None


def person_name(first_name: str, last_name: str, username: str) -> str:
    """``User.display_name`` from the three columns."""
    return f"{first_name} {last_name}".strip() or username
