"""The filters every register shares (django-filter), so that the same query
string means the same thing on a list page, its export, its links and the API.

A register's filterset subclasses ``RegisterFilterSet`` and declares its own
filters next to the shared ones here. The filterset receives the
organization explicitly (``organization=``): the list and export views pass
it, and so does ``RegisterFilterBackend`` for the API.
"""

from collections.abc import Mapping, Sequence

import django_filters
from django.db.models import Case, F, IntegerField, Q, Value, When
from django_filters.rest_framework import DjangoFilterBackend

from ..fields import tag_normalize


class RegisterFilterSet(django_filters.FilterSet):
    """A filterset over one organization's records; ``self.organization`` is
    the organization they belong to (None when the caller has none to give)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, organization=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        self.organization = organization

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


def _is_set(value) -> bool:
    if isinstance(value, list | tuple):
        return any(_is_set(v) for v in value)
    return value not in (None, "")


class RegisterFilterBackend(DjangoFilterBackend):
    """DRF's django-filter backend, handing the view's organization to the filterset."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["organization"] = getattr(view, "organization", None)
        return kwargs


class OwnerFilter(django_filters.CharFilter):
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
        if value.isdigit():
            return qs.filter(**{f"{self.field_name}_id": int(value)})
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
