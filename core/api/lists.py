"""API lists answered from ``.values()`` rows (issue 14).

A page of 50 assets built from model instances, their prefetches and a
serializer spent most of its time creating objects that were thrown away at
once. ``ValuesListMixin`` keeps everything a list means — the filter backends,
the ordering, the pagination and its envelope, the serializer that the OpenAPI
schema is generated from — and only reads the page with ``.values()``: the
viewset names the columns (``list_values``) and turns the page's dicts into the
answer's rows (``list_rows``). What a row links to (an asset's relations, a
risk's assets, controls and actions) comes in the same query, as a JSON array
per row built by the database (``linked_rows``, ``list_linked``): the page is
one query after the count, as the raw-SQL floor of ``benchmarks.scale`` is.
Each register holds its rows equal to its serializer's, item by item, in a test.

The SQL of those JSON columns is the same on every request (it is correlated with
the outer row, not with the request's organization or filters), so it is compiled
once per process (``CompiledOnce``): resolving and compiling three correlated
subqueries through the ORM cost a 50-row risk page about 3 ms, more than
PostgreSQL spends on them (docs/performance.md, seventh run).
"""

import datetime

from django.db import NotSupportedError
from django.db.models import (
    Aggregate,
    Count,
    Expression,
    IntegerField,
    JSONField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.response import Response


class JSONArrayAgg(Aggregate):
    """The JSON array of ``expression`` over a group: ``jsonb_agg`` on PostgreSQL (jsonb is
    what Django's driver hands back as text for ``JSONField`` to read), ``json_group_array``
    on SQLite. The order of the elements is not defined; the caller sorts."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class CompiledOnce(Expression):
    """A correlated ``Subquery`` whose SQL is compiled once per process and database, then
    reused by every query it is selected in.

    Valid because nothing of the request is in it: it refers to the outer query only
    through ``OuterRef`` columns of the outer model's own table. The cached SQL names that
    table as a plain queryset of the model does (no alias, the default alias prefix); an
    outer query shaped otherwise (the list nested in another query, say) gets the subquery
    resolved and compiled against it, as a plain ``Subquery`` would be.
    """

    def __init__(self, subquery: Subquery):
        super().__init__(output_field=subquery.output_field)
        self.subquery = subquery
        self.compiled = {}  # shared by the copies annotate() makes: (database, model) -> (sql, params)

    def get_source_expressions(self):
        return []  # the subquery is compiled on its own, never rewritten by the outer query

    def get_group_by_cols(self):
        return []  # never in a grouped query (as_sql refuses one)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.is_summary = summarize
        return clone

    def as_sql(self, compiler, connection):
        outer = compiler.query
        table = outer.model._meta.db_table
        if outer.group_by is not None:
            # A grouped query would have to group by the outer columns the subquery reads, which
            # only a resolved Subquery can tell it: use one there.
            raise NotSupportedError("CompiledOnce is for lists of rows, not grouped queries; use a Subquery")
        if outer.base_table != table or outer.alias_prefix != Query.alias_prefix:
            return compiler.compile(self.subquery.resolve_expression(outer))
        key = (connection.alias, outer.model)
        found = self.compiled.get(key)
        if found is None:
            probe = Query(outer.model)
            probe.get_initial_alias()
            sql, params = probe.get_compiler(connection=connection).compile(
                self.subquery.resolve_expression(probe)
            )
            found = self.compiled[key] = (sql, tuple(params))
        return found


def linked_rows(queryset: QuerySet, *, link: str, **fields) -> CompiledOnce:
    """For each row of the outer query, the rows of ``queryset`` whose ``link`` is that row,
    as a JSON array of objects of ``fields`` (names to columns, ``"target__name"`` and the
    like); None when there are none. Correlated, so PostgreSQL computes it for the rows of
    the page only, after the ``LIMIT``. The link is led by the organization, as every
    tenant index is (``tests/test_tenant_indexes.py``). Build it once (a module-level or
    cached set of columns): its SQL is compiled on first use and kept with it."""
    if queryset.query.where:
        # Compiled once, a value in it (today's date, say) would stay the first request's.
        raise ValueError("linked_rows takes an unfiltered queryset: its SQL is compiled once")
    rows = (
        queryset.filter(organization_id=OuterRef("organization_id"), **{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(linked=JSONArrayAgg(JSONObject(**fields)))
        .values("linked")
    )
    return CompiledOnce(Subquery(rows, output_field=JSONField()))


def moment(text: str | None) -> datetime.datetime | None:
    """A datetime read back from database-built JSON: PostgreSQL writes
    ``2026-12-03T12:50:55.7391+00:00``, SQLite the column's text, in UTC."""
    if text is None:
        return None
    value = parse_datetime(text)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


class ValuesListMixin:
    """``list`` from the page's ``.values()``; the other actions are untouched.

    The viewset names the columns (``list_values``), may add the links of each row as
    database-built JSON (``list_linked()``, name to a ``linked_rows`` expression), and
    defines ``list_rows(values)``, which turns the page's dicts into the answer's rows.
    """

    #: The columns ``list_rows`` reads, as ``.values()`` names them (``owner__username``).
    list_values: tuple[str, ...] = ()

    def list_linked(self) -> dict:
        """The JSON columns of each row (``linked_rows``), by name; none by default."""
        return {}

    def list_queryset(self):
        """The filtered list, without the prefetches of the other actions, which the page's
        ``.values()`` would not read (a viewset's ``get_base_queryset`` leaves out, for
        ``list``, the annotations and prefetches it adds for the others)."""
        return self.filter_queryset(self.get_queryset()).prefetch_related(None)

    def list(self, request, *args, **kwargs):
        queryset = self.list_queryset()
        columns = (self.list_values, self.list_linked())
        page = self.paginate_queryset(CountedValues(queryset, *columns))
        if page is None:
            return Response(self.list_rows(list(queryset.values(*columns[0], **columns[1]))))
        return self.get_paginated_response(self.list_rows(list(page)))


#: The name the page's rows carry the list's count under (``CountedValues.page_with_count``).
_TOTAL = "list_total_of_rows"


class CountedValues:
    """What the paginator slices: ``.values()`` of ``queryset``, counted on ``queryset``
    itself — the count of the ``.values()`` would join every table its columns come from.

    ``page_with_count`` reads a page and the count in one query (the count as a scalar
    subquery the database runs once), for ``core.api.pagination.CountInPagePaginator``: a
    query less per page.
    """

    def __init__(self, queryset, columns, linked=None):
        self.queryset = queryset
        self.values = queryset.values(*columns, **(linked or {}))
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, key):
        return list(self.values[key])

    def page_with_count(self, bottom: int, top: int) -> tuple[list[dict], int] | None:
        """The rows ``bottom:top`` and the count of the whole list, or None when the list is
        not one plain count can be taken of in the same query (DISTINCT, grouped, combined)."""
        query = self.queryset.query
        if query.distinct or query.group_by is not None or query.combinator or query.is_sliced:
            return None
        constant = {"list_count_constant": Value(1)}  # grouped by a constant: one row, the count
        total = self.queryset.order_by().values(**constant).annotate(n=Count("*")).values("n")
        rows = list(
            self.values.annotate(**{_TOTAL: Subquery(total, output_field=IntegerField())})[bottom:top]
        )
        count = rows[0][_TOTAL] if rows else 0
        for row in rows:
            del row[_TOTAL]
        return rows, count


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
