"""Putting values on a record, and collecting what is wrong with them.

``values_apply`` is the write-field guard every service applies values
through: a caller (a form, a serializer, an import) may set only the fields
the service names writable, so that scores, approvals and bookkeeping are
never written from outside by accident. A name outside that set is a bug in
the caller, hence ``TypeError``, not a validation error.
"""

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

_TEXT_TYPES = {"CharField", "TextField"}


def text_fields(model: type[models.Model]) -> frozenset[str]:
    """The model's text columns, where "no value" is stored as ``""``, never NULL."""
    return frozenset(f.name for f in model._meta.concrete_fields if f.get_internal_type() in _TEXT_TYPES)


def values_apply(
    instance: models.Model,
    values: Mapping[str, Any],
    *,
    writable: Collection[str],
    noun: str,
    strip: bool = True,
    defaults: Mapping[str, Any] | None = None,
) -> list[str]:
    """Set ``values`` on ``instance``; answer the names set.

    Raises ``TypeError`` naming the fields that are not ``writable`` (and sets
    nothing). ``None`` on a text field becomes ``""``, or the field's entry in
    ``defaults``; with ``strip``, text is trimmed.
    """
    unknown = set(values) - set(writable)
    if unknown:
        raise TypeError(f"Not {noun} fields: {', '.join(sorted(unknown))}")
    texts = text_fields(type(instance))
    defaults = defaults or {}
    for name, value in values.items():
        if value is None and name in defaults:
            value = defaults[name]
        elif value is None and name in texts:
            value = ""
        if strip and isinstance(value, str):
            value = value.strip()
        setattr(instance, name, value)
    return list(values)


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A ``ValidationError`` as ``{field: [messages]}`` (``non_field_errors`` when it names none)."""
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


def merge_errors(*sources: Mapping) -> dict[str, list[str]]:
    """Several ``{field: message or [messages]}`` merged, in order, without repeats."""
    merged: dict[str, list[str]] = {}
    for source in sources:
        for name, messages in source.items():
            if isinstance(messages, str):
                messages = [messages]
            bucket = merged.setdefault(name, [])
            bucket.extend(m for m in messages if m not in bucket)
    return merged
