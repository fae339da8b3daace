"""Model fields shared by the GRC records.

``TagsField`` keeps a list of short tags in one text column as ``|a|b|c|`` and
adds the ``has`` lookup (``filter(tags__has="pii")``), a plain ``LIKE`` that
behaves the same on SQLite and PostgreSQL — unlike ``JSONField`` ``contains``,
which SQLite does not support. Why not a tag table: see
``docs/decisions/0004-tags-in-one-column.md``.
"""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import lookups

SEPARATOR = "|"
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._:+/-]*$")
TAG_MAX_LENGTH = 40
TAGS_MAX_COUNT = 20


def tag_normalize(tag: str) -> str:
    """One tag as it is stored: trimmed, lower case, inner spaces as hyphens."""
    return "-".join(str(tag).strip().lower().split())


def tags_parse(value) -> list[str]:
    """Tags from a list or a comma/semicolon-separated text, normalized,
    de-duplicated and sorted. Invalid tags are kept so that validation can
    name them."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if value.startswith(SEPARATOR) and value.endswith(SEPARATOR):
            items: Iterable = value.strip(SEPARATOR).split(SEPARATOR)
        else:
            items = re.split(r"[,;\n]", value)
    else:
        items = value
    return sorted({tag_normalize(t) for t in items if str(t).strip()})


def tags_validate(tags: list[str]) -> None:
    problems = []
    for tag in tags:
        if len(tag) > TAG_MAX_LENGTH:
            problems.append(f"“{tag[:20]}…” is longer than {TAG_MAX_LENGTH} characters.")
        elif not TAG_PATTERN.match(tag):
            problems.append(
                f"“{tag}” is not a valid tag: use letters, digits and . _ : + / - (no spaces or |)."
            )
    if len(tags) > TAGS_MAX_COUNT:
        problems.append(f"At most {TAGS_MAX_COUNT} tags; there are {len(tags)}.")
    if problems:
        raise ValidationError(problems)


class TagsField(models.CharField):
    """A list of tags in Python, ``|a|b|`` in the database (``""`` when empty)."""

    description = "Tags"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 1000), ("blank", True), ("default", list)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return tags_parse(value)

    def to_python(self, value):
        return tags_parse(value)

    def get_prep_value(self, value):
        tags = tags_parse(value)
        return f"{SEPARATOR}{SEPARATOR.join(tags)}{SEPARATOR}" if tags else ""

    def value_to_string(self, obj):
        return ", ".join(self.value_from_object(obj))

    def validate(self, value, model_instance):
        super().validate(self.get_prep_value(value), model_instance)
        tags_validate(tags_parse(value))

    def run_validators(self, value):
        # The length validator applies to the stored text, not to the list.
        super().run_validators(self.get_prep_value(value))

    def formfield(self, **kwargs):
        defaults = {"form_class": TagsFormField, "max_length": None}
        defaults.update(kwargs)
        return super().formfield(**defaults)


class TagsFormField(forms.CharField):
    """Tags typed as ``a, b, c``; cleaned to the normalized list."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        return tags_parse(super().to_python(value))

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        tags_validate(value)


@TagsField.register_lookup
class HasTag(lookups.Contains):
    """``tags__has="pii"``: the record carries that exact tag."""

    lookup_name = "has"

    def get_prep_lookup(self):
        return f"{SEPARATOR}{tag_normalize(self.rhs)}{SEPARATOR}"

    def get_rhs_op(self, connection, rhs):
        # The SQL is that of ``contains`` (LIKE '%|tag|%'), which both databases know.
        return connection.operators["contains"] % rhs
