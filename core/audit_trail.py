"""The organization's audit trail: every change to every record it owns, in one feed.

Each tracked model keeps its own history table (``core.models.OrganizationOwned``).
The trail reads them together with one ``UNION ALL`` of (date, id, kind) per page,
then loads the page's rows, their previous versions and the rows their labels and
changes name with a fixed number of queries per kind, so the cost of a page does
not grow with the number of entries on it.

A model takes part by having history and an ``organization`` field; it may say
where its records live in the browser with two class attributes:

- ``trail_url``: the URL name of its page, reversed with ``organization_slug`` and
  ``pk`` (or only ``organization_slug`` if the page is one per organization);
- ``trail_parent``: the foreign key whose record's page shows it (a risk's control
  link is shown on the risk).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, models
from django.db.models import CharField, OuterRef, Subquery, Value
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from .history import (
    ACTIONS,
    FieldChange,
    changed_fields,
    field_changes,
    related_rows,
    tracked_fields,
    who_did,
)

ACTION_CODES = {"created": "+", "changed": "~", "deleted": "-"}


@dataclass
class TrailEntry:
    when: datetime.datetime
    who: str
    action: str
    kind: str
    kind_label: str
    record_id: int
    label: str
    url: str
    history_url: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class TrailFilter:
    kind: str = ""
    user_id: int | None = None
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def trail_kinds() -> dict[str, type[models.Model]]:
    """Every model whose history belongs to an organization, keyed ``app_label.modelname``."""
    kinds = {}
    for model in apps.get_models():
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if not manager_name:
            continue
        historical = getattr(model, manager_name).model
        names = {f.name for f in historical._meta.fields}
        if "organization" in names or model._meta.label_lower == "organizations.organization":
            kinds[model._meta.label_lower] = model
    return dict(sorted(kinds.items(), key=lambda item: str(item[1]._meta.verbose_name)))


def kind_choices() -> list[tuple[str, str]]:
    return [(key, capfirst(str(model._meta.verbose_name))) for key, model in trail_kinds().items()]


def _historical(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


def _records(model, organization):
    historical = _historical(model)
    if model._meta.label_lower == "organizations.organization":
        return historical.objects.filter(id=organization.pk)
    return historical.objects.filter(organization_id=organization.pk)


def _filtered(model, organization, trail_filter: TrailFilter):
    qs = _records(model, organization)
    if trail_filter.user_id:
        qs = qs.filter(history_user_id=trail_filter.user_id)
    if trail_filter.action in ACTION_CODES:
        qs = qs.filter(history_type=ACTION_CODES[trail_filter.action])
    if trail_filter.since:
        qs = qs.filter(history_date__date__gte=trail_filter.since)
    if trail_filter.until:
        qs = qs.filter(history_date__date__lte=trail_filter.until)
    return qs


_NEWEST_FIRST = ("-history_date", "-history_id")


def _parts(organization, trail_filter: TrailFilter) -> list:
    """One ``(history_date, history_id, kind)`` queryset per kind of record under the filter."""
    kinds = trail_kinds()
    if trail_filter.kind:
        kinds = {k: m for k, m in kinds.items() if k == trail_filter.kind}
    return [
        _filtered(model, organization, trail_filter)
        .annotate(trail_kind=Value(key, output_field=CharField()))
        .values_list("history_date", "history_id", "trail_kind")
        .order_by()
        for key, model in kinds.items()
    ]


def _union(parts, *, first: int | None = None):
    """The parts together (``UNION ALL``). With ``first``, each part is cut to its
    ``first`` newest rows before the union, where the database allows it
    (PostgreSQL): a page near the top then sorts a few rows of each history table
    instead of every row of every table together."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]  # one table (a filter by kind): its own ORDER BY … LIMIT is enough
    if first is not None and connection.features.supports_slicing_ordering_in_compound:
        parts = [part.order_by(*_NEWEST_FIRST)[:first] for part in parts]
    head, *rest = parts
    return head.union(*rest, all=True) if rest else head


class Trail:
    """The organization's trail under a filter, newest first, as a sequence that
    Django's and DRF's paginators slice: ``count()`` is one query, a slice a few
    per kind of record on it.

    A slice reads at most its end's number of rows from each history table
    (``_union``); ``count()`` is exact, one ``COUNT`` over the union (measured
    cheaper, at 50,000 history rows, than counting each table up to a cap:
    ``benchmarks/scale_ab.py``, docs/performance.md).
    """

    def __init__(self, organization, trail_filter: TrailFilter | None = None):
        self.organization = organization
        self.filter = trail_filter or TrailFilter()
        self._parts = _parts(organization, self.filter)
        self._count = None

    def count(self) -> int:
        if self._count is None:
            union = _union(self._parts)
            self._count = 0 if union is None else union.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("The trail is read a page (a slice) at a time.")
        if not self._parts or (index.stop is not None and index.stop <= (index.start or 0)):
            return []  # an empty page (the paginator asks [0:0] of an empty trail)
        union = _union(self._parts, first=index.stop)
        keys = list(union.order_by(*_NEWEST_FIRST)[index])
        return _entries(self.organization, keys)

    def __iter__(self):
        """Every entry, a thousand at a time (for exports)."""
        batch = 1000
        start = 0
        while True:
            entries = self[start : start + batch]
            yield from entries
            if len(entries) < batch:
                return
            start += batch


def record_trail(organization, kind: str, record_id: int):
    """The model and historical rows of one record of the organization, deleted or not,
    or ``None`` when the organization has no such record."""
    model = trail_kinds().get(kind)
    if model is None:
        return None
    records = _records(model, organization).filter(id=record_id)
    if not records.exists():
        return None
    return model, records


# --- Building entries -------------------------------------------------------


def _entries(organization, keys) -> list[TrailEntry]:
    kinds = trail_kinds()
    by_kind: dict[str, list[int]] = {}
    for _, history_id, kind in keys:
        by_kind.setdefault(kind, []).append(history_id)

    built: dict[tuple[str, int], TrailEntry] = {}
    for kind, history_ids in by_kind.items():
        model = kinds[kind]
        for entry_key, entry in _kind_entries(organization, kind, model, history_ids).items():
            built[entry_key] = entry
    return [built[(kind, history_id)] for _, history_id, kind in keys if (kind, history_id) in built]


def _kind_entries(organization, kind, model, history_ids) -> dict[tuple[str, int], TrailEntry]:
    historical = _historical(model)
    previous_id = Subquery(
        historical.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    records = list(
        historical.objects.filter(history_id__in=history_ids)
        .select_related("history_user")
        .annotate(previous_history_id=previous_id)
    )
    previous = historical.objects.in_bulk([r.previous_history_id for r in records if r.previous_history_id])

    tracked = tracked_fields(model)
    wanted: dict[type, set] = {}
    changes = {
        r.history_id: changed_fields(tracked, r, previous.get(r.previous_history_id), wanted) for r in records
    }
    related = related_rows(wanted)

    instances = [r.instance for r in records]
    _organization_attach(instances, organization)
    _attach_related(instances, depth=2)
    live = set(model._base_manager.filter(pk__in={r.id for r in records}).values_list("pk", flat=True))
    live_parents = _live_parents(model, instances)
    kind_label = capfirst(str(model._meta.verbose_name))

    entries = {}
    for record, instance in zip(records, instances, strict=True):
        history_url = reverse(
            "organizations:record_history",
            kwargs={"organization_slug": organization.slug, "kind": kind, "pk": record.id},
        )
        entries[(kind, record.history_id)] = TrailEntry(
            when=record.history_date,
            who=who_did(record),
            action=ACTIONS.get(record.history_type, record.history_type),
            kind=kind,
            kind_label=kind_label,
            record_id=record.id,
            label=_label(instance, kind_label),
            url=_record_url(organization, instance, live, live_parents) or history_url,
            history_url=history_url,
            reason=record.history_change_reason or "",
            changes=field_changes(record, changes[record.history_id], related),
        )
    return entries


def _label(instance, kind_label: str) -> str:
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{kind_label} #{instance.pk}"


def _live_parents(model, instances) -> set:
    """The ids of the parents (``trail_parent``) of ``instances`` that still exist."""
    parent = getattr(model, "trail_parent", None)
    if not parent:
        return set()
    parent_field = model._meta.get_field(parent)
    ids = {getattr(i, parent_field.attname) for i in instances} - {None}
    return set(parent_field.related_model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))


def _record_url(organization, instance, live: set, live_parents: set) -> str:
    """The page that shows ``instance`` (or its parent), or ``""`` if it has none or is gone."""
    model = type(instance)
    parent = getattr(model, "trail_parent", None)
    if parent:
        parent_field = model._meta.get_field(parent)
        parent_id = getattr(instance, parent_field.attname)
        if parent_id not in live_parents:
            return ""
        return _reverse(parent_field.related_model, organization, parent_id)
    return _reverse(model, organization, instance.pk) if instance.pk in live else ""


def _reverse(model, organization, pk) -> str:
    name = getattr(model, "trail_url", None)
    if not name:
        return ""
    try:
        return reverse(name, kwargs={"organization_slug": organization.slug, "pk": pk})
    except NoReverseMatch:
        return reverse(name, kwargs={"organization_slug": organization.slug})


def _organization_attach(instances, organization) -> None:
    """The trail's records are the organization's: their ``organization`` is the
    one at hand, not a query per kind."""
    if not instances:
        return
    try:
        f = type(instances[0])._meta.get_field("organization")
    except FieldDoesNotExist:
        return
    if not (f.is_relation and f.many_to_one and isinstance(organization, f.related_model)):
        return
    for instance in instances:
        if getattr(instance, f.attname) == organization.pk:
            f.set_cached_value(instance, organization)


def _attach_related(instances, *, depth: int) -> None:
    """Fill the foreign-key caches of ``instances`` so their ``str()`` costs no query:
    one query per foreign key and level. A related row that has been deleted is
    rebuilt from its own history when it has one."""
    if not instances or depth == 0:
        return
    model = type(instances[0])
    for f in model._meta.concrete_fields:
        if not (f.is_relation and f.many_to_one):
            continue
        ids = {getattr(i, f.attname) for i in instances if not f.is_cached(i)} - {None}
        if not ids:
            continue
        rows = f.related_model._base_manager.in_bulk(ids)
        missing = ids - set(rows)
        if missing and getattr(f.related_model._meta, "simple_history_manager_attribute", None):
            historical = _historical(f.related_model)
            for record in historical.objects.filter(id__in=missing).order_by("id", "-history_id"):
                rows.setdefault(record.id, record.instance)
        for instance in instances:
            value = getattr(instance, f.attname)
            if value in rows:
                f.set_cached_value(instance, rows[value])
        _attach_related(list(rows.values()), depth=depth - 1)


def describe(organization, instance) -> tuple[str, str]:
    """The label of one record (live or rebuilt from history) and the page that shows
    it, ``""`` if it has none or is gone."""
    model = type(instance)
    _attach_related([instance], depth=2)
    live = set(model._base_manager.filter(pk=instance.pk).values_list("pk", flat=True))
    url = _record_url(organization, instance, live, _live_parents(model, [instance]))
    return _label(instance, capfirst(str(model._meta.verbose_name))), url
