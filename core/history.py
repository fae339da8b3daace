"""Reading the history of a record: who changed what, when, from what to what.

``record_history`` is what every history page and the API's ``history/`` action
show: the record's own entries, read a page at a time (``RecordHistory``), with
the entries of the records that are part of it woven in when its app registers
them (``related_history_register``: a risk's links and treatment actions).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst

# Bookkeeping fields that change on every save and say nothing to an auditor.
_SKIPPED_FIELDS = {"updated_at", "created_at", "organization"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model_field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation and model_field.many_to_one:
        obj = related.get((model_field.related_model, value))
        if obj is None:
            return f"#{value} (deleted)"
        return f"{obj} (deleted)" if getattr(obj, "_deleted", False) else str(obj)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        # As every page writes them (grc_portal/formats): "30 May 2027, 14:05".
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(moment, "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def tracked_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in _SKIPPED_FIELDS and not f.primary_key]


def changed_fields(tracked, record, previous, wanted: dict) -> list[tuple]:
    """The fields that ``record`` changed against ``previous`` (``None``: the first
    record), noting in ``wanted`` the related rows their display needs."""
    changed = []
    for f in tracked:
        new = getattr(record, f.attname, None)
        old = getattr(previous, f.attname, None) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and (new is None or new == "" or new is False or new == []):
            continue
        changed.append((f, old, new))
        if f.is_relation and f.many_to_one:
            wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v is not None)
    return changed


def known_rows(model, ids) -> dict:
    """The rows of ``model`` with these ids; a deleted one rebuilt from its last
    history row when it keeps history, marked ``_deleted`` (so that history can
    still say what it was called)."""
    rows = model._base_manager.in_bulk(ids)
    missing = set(ids) - set(rows)
    historical = getattr(model, getattr(model._meta, "simple_history_manager_attribute", "") or "", None)
    if missing and historical is not None:
        for record in historical.model.objects.filter(id__in=missing).order_by("id", "-history_id"):
            if record.id not in rows:
                instance = record.instance
                instance._deleted = True
                rows[record.id] = instance
    return rows


def known_label(obj) -> str:
    """How history names a row from ``known_rows``: as it was, marked when it is gone."""
    if obj is None:
        return "(deleted)"
    return f"{obj} (deleted)" if getattr(obj, "_deleted", False) else str(obj)


def related_rows(wanted: dict) -> dict:
    """The rows named by foreign keys in changes, one or two queries per related model."""
    related = {}
    for related_model, ids in wanted.items():
        for pk, instance in known_rows(related_model, ids).items():
            related[(related_model, pk)] = instance
    return related


def field_changes(record, changed, related) -> list[FieldChange]:
    if record.history_type == "-":
        return []
    return [
        FieldChange(
            field=f.name,
            label=capfirst(str(f.verbose_name)),
            old=_display(f, old, related) if record.history_type != "+" else "—",
            new=_display(f, new, related),
        )
        for f, old, new in changed
    ]


def who_did(record) -> str:
    user = record.history_user
    return user.display_name if user is not None else "System"


def history_for(obj: models.Model, *, limit: int | None = None) -> list[HistoryEntry]:
    """The history of ``obj`` (all of it, or its ``limit`` newest entries), newest first."""
    return history_of_records(type(obj), obj.history.all(), limit=limit)


def _ordered(records):
    return records.select_related("history_user").order_by("-history_date", "-history_id")


def history_of_records(model, records, *, limit: int | None = None) -> list[HistoryEntry]:
    """The history held in ``records`` (historical rows of one ``model`` record,
    which may since have been deleted), newest first, with field changes.

    Related rows named in the changes are fetched in one query per related
    model, so the cost does not grow with the number of entries.
    """
    rows = _ordered(records)
    return _entries(model, list(rows if limit is None else rows[: limit + 1]), limit)


class RecordHistory(Sequence):
    """The history of one record, newest first, read one slice at a time: what
    Django's and DRF's paginators page through (``len()`` is one ``COUNT``; a
    page is one query for its rows and the one before them, plus the rows the
    changes name)."""

    def __init__(self, model, records):
        self.model = model
        self.records = _ordered(records)
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.records.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count())
            if step != 1:
                raise ValueError("History pages are contiguous.")
            if stop <= start:
                return []
            # One row more than asked: the previous version of the last entry, to show its changes.
            return _entries(self.model, list(self.records[start : stop + 1]), stop - start)
        entries = self[index : index + 1]
        if not entries:
            raise IndexError(index)
        return entries[0]


def _entries(model, records: list, limit: int | None) -> list[HistoryEntry]:
    """Entries for ``records`` (newest first); when ``limit`` is given, the row after
    the first ``limit`` only serves as the previous version of the last one."""
    shown = records if limit is None else records[:limit]
    tracked = tracked_fields(model)
    wanted: dict[type, set] = {}
    pairs = []
    for index, record in enumerate(shown):
        previous = records[index + 1] if index + 1 < len(records) else None
        pairs.append((record, changed_fields(tracked, record, previous, wanted)))
    related = related_rows(wanted)
    return [
        HistoryEntry(
            when=record.history_date,
            who=who_did(record),
            action=ACTIONS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
            changes=field_changes(record, changed, related),
        )
        for record, changed in pairs
    ]


#: The entries of the records that are part of a record, per model (see ``related_history_register``).
_related_histories: dict[type, Callable[[int], list[HistoryEntry]]] = {}


def related_history_register(model, entries_of: Callable[[int], list[HistoryEntry]]) -> None:
    """Weave ``entries_of(record_id)`` (the history of the records that are part of a
    ``model`` record: links, plan actions) into that record's history, everywhere it is shown."""
    _related_histories[model] = entries_of


def record_history(model, records, record_id: int) -> Sequence[HistoryEntry]:
    """The history of one record (``records``: its historical rows), newest first,
    ready to paginate: the record's own entries, plus those of its parts."""
    entries_of = _related_histories.get(model)
    if entries_of is None:
        return RecordHistory(model, records)
    return sorted(
        [*history_of_records(model, records), *entries_of(record_id)], key=lambda e: e.when, reverse=True
    )
