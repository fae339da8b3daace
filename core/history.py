"""Reading the history of a record: who changed what, when, from what to what."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone
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
        return str(obj) if obj is not None else f"#{value} (deleted)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else f"{value:%Y-%m-%d %H:%M}"
        )
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


def related_rows(wanted: dict) -> dict:
    """The rows named by foreign keys in changes, one query per related model."""
    related = {}
    for related_model, ids in wanted.items():
        for pk, instance in related_model._base_manager.in_bulk(ids).items():
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


def history_for(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """The history of ``obj``, newest first, each entry with its field changes."""
    return history_of_records(type(obj), obj.history.all(), limit=limit)


def history_of_records(model, records, *, limit: int = 200) -> list[HistoryEntry]:
    """The history held in ``records`` (historical rows of one ``model`` record,
    which may since have been deleted), newest first, with field changes.

    Related rows named in the changes are fetched in one query per related
    model, so the cost does not grow with the number of entries.
    """
    records = list(records.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    tracked = tracked_fields(model)
    wanted: dict[type, set] = {}
    pairs = []
    for index, record in enumerate(records):
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
