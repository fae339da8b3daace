"""Reading the history of a record: who changed what, when, from what to what."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

# Bookkeeping fields that change on every save and say nothing to an auditor.
_SKIPPED_FIELDS = {"updated_at", "created_at", "organization"}
_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


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
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def history_for(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """The history of ``obj``, newest first, each entry with its field changes.

    Related rows named in the changes are fetched in one query per related
    model, so the cost does not grow with the number of entries.
    """
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    )
    tracked = [f for f in model._meta.concrete_fields if f.name not in _SKIPPED_FIELDS and not f.primary_key]

    pairs = []
    wanted: dict[type, set] = {}
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
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
        pairs.append((record, changed))

    related = {}
    for related_model, ids in wanted.items():
        for pk, instance in related_model._base_manager.in_bulk(ids).items():
            related[(related_model, pk)] = instance

    entries = []
    for record, changed in pairs:
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=user.display_name if user is not None else "System",
                action=_ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=[
                    FieldChange(
                        field=f.name,
                        label=str(f.verbose_name).capitalize(),
                        old=_display(f, old, related) if record.history_type != "+" else "—",
                        new=_display(f, new, related),
                    )
                    for f, old, new in changed
                ]
                if record.history_type != "-"
                else [],
            )
        )
    return entries
