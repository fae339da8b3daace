"""The filters every register shares (django-filter), so that the same query
string means the same thing on a list page, its export, its links and the API.

A register's filterset subclasses ``RegisterFilterSet`` and declares its own
filters next to the shared ones here. The filterset receives the
organization explicitly (``organization=``): the list and export views pass
it, and so does ``RegisterFilterBackend`` for the API.

Every filterset of a page or of the API (``StrictFilterBackend`` hardens the
API's plain ones too) refuses, with a message naming the parameter, what
django-filter would otherwise crash on or silently ignore: an id past the
database's integer range (``?asset=99999999999999999999``), a boolean that is
neither true nor false (``?above_appetite=perhaps``), a NUL character.
"""

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Q, Value, When
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import exceptions
from rest_framework import filters as drf_filters

from ..fields import tag_normalize

#: The largest id a database integer column holds (a bigint; SQLite's INTEGER alike).
MAX_RECORD_ID = 2**63 - 1
BOOLEAN_WORDS = {"", "true", "false", "1", "0", "unknown"}
NUL_MESSAGE = "Null characters are not allowed."


def record_id(value: str) -> int | None:
    """``value`` as a record id if it is one (ASCII digits, within range), else None."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        number = int(value)
        return number if number <= MAX_RECORD_ID else None
    return None


def _too_large(value: str) -> bool:
    """Whether ``value`` reads as a number (``12``, ``-3e200``) past the integer range."""
    try:
        number = Decimal((value or "").strip())
    except InvalidOperation:
        return False
    return number.is_finite() and abs(number) > MAX_RECORD_ID


def _raw_values(data, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(name) if isinstance(v, str)]
    value = data.get(name)
    return [value] if isinstance(value, str) else []


def _takes_record_id(filter_) -> bool:
    kinds = (
        django_filters.NumberFilter,
        django_filters.ModelChoiceFilter,
        django_filters.ModelMultipleChoiceFilter,
    )
    return isinstance(filter_, kinds) or getattr(filter_, "takes_record_id", False)


def query_errors(filterset) -> dict[str, list[str]]:
    """What the query string of a bound ``filterset`` says that no filter can read."""
    errors: dict[str, list[str]] = {}
    data = filterset.data or {}
    for name, filter_ in filterset.filters.items():
        # A range filter reads ``<name>_after`` / ``_before`` (or ``_min`` / ``_max``) into one field.
        keys = [name] + [f"{name}_{suffix}" for suffix in ("after", "before", "min", "max")]
        if any("\x00" in value for key in keys for value in _raw_values(data, key)):
            errors.setdefault(name, []).append(NUL_MESSAGE)
        raw = _raw_values(data, name)
        if isinstance(filter_, django_filters.BooleanFilter):
            if any(value.strip().lower() not in BOOLEAN_WORDS for value in raw):
                errors.setdefault(name, []).append("Give true or false.")
        elif _takes_record_id(filter_) and any(_too_large(value) for value in raw):
            errors.setdefault(name, []).append(f"Give a number from {-MAX_RECORD_ID - 1} to {MAX_RECORD_ID}.")
    return errors


class StrictQueryMixin:
    """The form of the filterset refuses what ``query_errors`` finds, field by field."""

    def get_form_class(self):
        form_class = super().get_form_class()
        filterset = self

        class StrictForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for name, messages in query_errors(filterset).items():
                    for message in messages:
                        if message not in self.errors.get(name, ()):
                            self.add_error(name, message)
                return cleaned

        StrictForm.__name__ = form_class.__name__
        return StrictForm


class StrictFilterSet(StrictQueryMixin, django_filters.rest_framework.FilterSet):
    """A plain filterset (no organization to receive) with the same refusals."""


class RegisterFilterSet(StrictQueryMixin, django_filters.FilterSet):
    """A filterset over one organization's records; ``self.organization`` is
    the organization they belong to (None when the caller has none to give)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, organization=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.organization = organization
        model = self.queryset.model if self.queryset is not None else self._meta.model
        for filter_ in self.filters.values():
            # django-filter makes every multiple-choice filter DISTINCT; on a column of the
            # record itself no row can repeat, and a DISTINCT over every column of the page
            # (and of its count) sorted the whole register (``?level=high``: issue 14).
            if getattr(filter_, "distinct", False) and _own_column(model, filter_.field_name):
                filter_.distinct = False

    def active_filter_count(self) -> int:
        """How many filters the query string sets (the ordering is no filter)."""
        if not self.is_bound:
            return 0
        count = 0
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.OrderingFilter):
                continue
            if _is_set(self.form[name].value()):
                count += 1
        return count


def _own_column(model, field_name: str) -> bool:
    """Whether ``field_name`` is a column of ``model``'s own table (no join, no repeat)."""
    if model is None or not field_name or "__" in field_name:
        return False
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    return field.concrete and not field.many_to_many


def _is_set(value) -> bool:
    if isinstance(value, list | tuple):
        return any(_is_set(v) for v in value)
    return value not in (None, "")


@functools.cache
def _strict(filterset_class):
    return type(filterset_class.__name__, (StrictQueryMixin, filterset_class), {})


class StrictFilterBackend(DjangoFilterBackend):
    """DRF's django-filter backend, with every filterset's query refusals
    (``StrictQueryMixin``), those built from ``filterset_fields`` included."""

    filterset_base = StrictFilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is None or issubclass(filterset_class, StrictQueryMixin):
            return filterset_class
        return _strict(filterset_class)


#: Query parameters that filter nothing: a query string of only these leaves the list as it is.
PAGING_PARAMETERS = frozenset({"page", "page_size"})


@functools.lru_cache(maxsize=512)
def _narrowed(filterset_class, names: frozenset):
    """``filterset_class`` with only the filters ``names`` (its form, only their fields)."""
    narrowed = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    narrowed.base_filters = {k: v for k, v in filterset_class.base_filters.items() if k in names}
    return narrowed


def _named(filter_names, parameters) -> frozenset:
    """The filters a query string gives a value to: by name, or by a name and a suffix of its
    widget (``updated_after``, ``inherent_score_min``)."""
    return frozenset(
        name
        for name in filter_names
        if any(parameter == name or parameter.startswith(f"{name}_") for parameter in parameters)
    )


class RegisterFilterBackend(StrictFilterBackend):
    """The strict backend, handing the view's organization to the filterset.

    A query string naming no filter (a list's first page, ``?page=3``) filters
    nothing, so the filterset is not built: binding and validating its form of
    some twenty fields cost more than the query of a page (issue 14). One naming some
    builds the filterset of those filters only (``?category=ai``: one field, not twenty;
    about 3 ms of a request): a filter given no value filters nothing, so leaving it out
    changes no answer. The OpenAPI schema and the browsable API's filter form still read the
    whole filterset.
    """

    def filter_queryset(self, request, queryset, view):
        if PAGING_PARAMETERS.issuperset(request.query_params):
            return queryset
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        # Narrowed for filtering only: get_filterset (the browsable API's filter form, through
        # to_html) keeps every field.
        names = _named(filterset_class.base_filters, request.query_params.keys())
        filterset = _narrowed(filterset_class, names)(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset.qs

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["organization"] = getattr(view, "organization", None)
        return kwargs


class SearchFilter(drf_filters.SearchFilter):
    """DRF's ``?search=``, refusing a NUL character with a message (a database
    would refuse it with a crash)."""

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        if "\x00" in raw:
            raise exceptions.ValidationError({self.search_param: [NUL_MESSAGE]})
        return super().get_search_terms(request)


class RecordReferenceFilter(django_filters.CharFilter):
    """A record named by its id or by a name (identifier, username, reference):
    an id past the database's range is refused (``query_errors``); the filter
    method reads the id with ``record_id``."""

    takes_record_id = True


class OwnerFilter(RecordReferenceFilter):
    """Records of one member, named by user id, username or email."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "owner")
        kwargs.setdefault("label", "Owner")
        kwargs.setdefault("help_text", "The owner's user id, username or email.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if (user_id := record_id(value)) is not None:
            return qs.filter(**{f"{self.field_name}_id": user_id})
        return qs.filter(
            Q(**{f"{self.field_name}__username__iexact": value})
            | Q(**{f"{self.field_name}__email__iexact": value})
        )


class MineFilter(django_filters.BooleanFilter):
    """``true``: the records the requesting user owns; ``false``: the others."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "owner")
        kwargs.setdefault("label", "Mine")
        kwargs.setdefault("help_text", "true: only the records you own; false: those you do not.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        if value is None or user is None or not user.is_authenticated:
            return qs
        mine = Q(**{f"{self.field_name}_id": user.pk})
        return qs.filter(mine) if value else qs.exclude(mine)


class TagFilter(django_filters.CharFilter):
    """Records carrying every one of the comma-separated tags (``core.fields.TagsField``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "tags")
        kwargs.setdefault("label", "Tag")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for tag in sorted({tag_normalize(t) for t in (value or "").split(",") if t.strip()}):
            qs = qs.filter(**{f"{self.field_name}__has": tag})
        return qs


class DateRangeFilter(django_filters.DateFromToRangeFilter):
    """``<name>_after`` and ``<name>_before`` (both days included). On a
    date-and-time field, the day is that of the organization's time zone."""

    def __init__(self, *args, datetime: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_date = datetime

    def filter(self, qs, value):
        if value and self.on_date:
            lookups = {}
            if value.start is not None:
                lookups[f"{self.field_name}__date__gte"] = value.start
            if value.stop is not None:
                lookups[f"{self.field_name}__date__lte"] = value.stop
            return qs.filter(**lookups) if lookups else qs
        return super().filter(qs, value)


class RankedOrderingFilter(django_filters.OrderingFilter):
    """``ordering=<field>`` or ``-<field>``, as a register means it:

    - ``ranks``: fields whose values follow a scale, sorted by their place on
      it (lowest first), not by the alphabet; values off the scale sort last;
    - ``people``: fields naming a user, sorted by first, last and user name;
    - ``sources``: a parameter sorting by another column (``reference`` → ``number``);
    - ``then``: columns that break ties after a field (a level, then its score);
    - ``nulls_last``: fields whose empty values sort last either way;
    - ``tiebreak``: the columns every ordering ends on, so that pages never
      repeat or skip a record (end on a unique one, e.g. ``id``).
    """

    def __init__(
        self,
        *args,
        ranks: Mapping[str, Sequence] | None = None,
        people: Sequence[str] = ("owner",),
        sources: Mapping[str, str] | None = None,
        then: Mapping[str, Sequence[str]] | None = None,
        nulls_last: Sequence[str] = (),
        tiebreak: Sequence[str] = ("id",),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.ranks = dict(ranks or {})
        self.people = tuple(people)
        self.sources = dict(sources or {})
        self.then = dict(then or {})
        self.nulls_last = tuple(nulls_last)
        self.tiebreak = tuple(tiebreak)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering: list = []
        for param in value:
            if not param:
                continue
            descending = param.startswith("-")
            sign = "-" if descending else ""
            name = param.lstrip("-")
            column = self.sources.get(name, name)
            if name in self.ranks:
                scale = list(self.ranks[name])
                rank = f"{name}_rank"
                qs = qs.annotate(
                    **{
                        rank: Case(
                            *(When(**{column: v}, then=Value(i)) for i, v in enumerate(scale)),
                            default=Value(len(scale)),
                            output_field=IntegerField(),
                        )
                    }
                )
                ordering.append(f"{sign}{rank}")
            elif name in self.people:
                ordering += [f"{sign}{column}__{part}" for part in ("first_name", "last_name", "username")]
            elif name in self.nulls_last:
                expression = F(column)
                ordering.append(
                    expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
                )
            else:
                ordering.append(f"{sign}{column}")
            ordering += [f"{sign}{extra}" for extra in self.then.get(name, ())]
        return qs.order_by(*ordering, *self.tiebreak)
