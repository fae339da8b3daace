"""The plan of a bulk write (an import, a bulk API call) and its errors.

A register's ``<noun>_bulk_validate`` checks a batch of drafts as a whole and
answers a ``BulkPlan``: the unsaved records, in draft order, and every problem
keyed by the item's index then by field. ``<noun>_bulk_create`` writes the
plan or raises ``BulkError`` carrying it, so that nothing is written unless
every item is valid. ``ItemErrors`` collects the problems while validating.

Numbered registers (``AST-…``, ``R-…``) never reuse a number
(``core.identifiers``): the plan shows the numbers the counter would give to
the records without one (``numbered``), and ``bulk_numbers_take`` takes them
inside the writing transaction.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from core.types import Actor

from ..identifiers import identifier_number_next, identifier_number_seen, identifier_numbers_take
from ..services import history_reason

#: The most items one batch may hold (a file's rows, a bulk request's items).
BULK_MAX_ITEMS = 5000

Errors = dict[int, dict[str, list[str]]]


class ItemErrors:
    """Problems per item index and field, without repeats, in the order found."""

    def __init__(self, initial: Mapping[int, Mapping[str, Sequence[str]]] = ()) -> None:
        self._found: Errors = {}
        for index, fields in dict(initial).items():
            for name, messages in fields.items():
                for message in messages:
                    self.add(index, name, message)

    def add(self, index: int, name: str, message: str) -> None:
        bucket = self._found.setdefault(index, {}).setdefault(name, [])
        if message not in bucket:
            bucket.append(message)

    def add_unreported(self, index: int, fields: Mapping[str, Sequence[str]]) -> None:
        """Add the problems of fields the item has none on yet: what a caller
        found in a cell says it more precisely than the model would."""
        for name, messages in fields.items():
            if not self.on(index).get(name):
                for message in messages:
                    self.add(index, name, message)

    def on(self, index: int) -> dict[str, list[str]]:
        return self._found.get(index, {})

    def as_dict(self) -> Errors:
        return {index: fields for index, fields in sorted(self._found.items()) if fields}


@dataclass
class BulkPlan:
    """What a bulk create would write, or why it cannot.

    ``records`` are the unsaved model instances, one per draft and in the same
    order; ``errors`` maps an item's index to ``{field: [messages]}``;
    ``links`` holds what the register writes after the records (asset
    relations: ``(source index, type, target index or record)``).
    ``numbered`` are the indexes of the records whose number the counter
    gives (previewed, taken by ``bulk_numbers_take``); ``highest_number`` is
    the highest number the register and the batch hold.
    """

    records: list
    drafts: list
    errors: Errors
    links: list[Any] = field(default_factory=list)
    numbered: list[int] = field(default_factory=list)
    highest_number: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return sum(len(messages) for fields in self.errors.values() for messages in fields.values())

    def error_rows(self, positions: Sequence[int] | None = None) -> list[dict]:
        """The problems as the bulk API answers them: ``{index, field, message}``.

        ``positions`` maps a draft's index back to the item's place in the
        request, when some items never became drafts.
        """
        return [
            {"index": positions[index] if positions is not None else index, "field": name, "message": message}
            for index, fields in self.errors.items()
            for name, messages in fields.items()
            for message in messages
        ]


class BulkError(ValidationError):
    """Some items of a bulk create are invalid; nothing was written."""

    def __init__(self, plan: BulkPlan, *, noun: str = "items"):
        self.plan = plan
        super().__init__(
            f"{len(plan.errors)} of {len(plan.records)} {noun} are invalid; nothing was created."
        )


def item_name(item_names: Sequence[str], index: int) -> str:
    """How a message names another item of the batch: "line 7", or "item 6" by default."""
    return item_names[index] if index < len(item_names) else f"item {index}"


def bulk_size_check(drafts: Sequence, *, noun: str) -> None:
    if len(drafts) > BULK_MAX_ITEMS:
        raise ValidationError(f"At most {BULK_MAX_ITEMS} {noun} at once; split the file or the request.")


def bulk_numbers_preview(
    records: Sequence, *, organization, kind: str, highest: int, wanted: Sequence[bool], assign
) -> list[int]:
    """Give the records that want one (``wanted``, in record order) the numbers the
    ``core.identifiers`` counter of ``kind`` would give, above ``highest``, so that a
    preview shows them; writes nothing. Answers the plan's ``numbered`` indexes."""
    numbered = [index for index, want in enumerate(wanted) if want]
    first = identifier_number_next(organization=organization, kind=kind, at_least=highest)
    for offset, index in enumerate(numbered):
        assign(records[index], first + offset)
    return numbered


def bulk_numbers_take(plan: BulkPlan, *, organization, kind: str, assign) -> None:
    """Inside the bulk create's transaction: take the counter's numbers for the
    plan's ``numbered`` records (``assign(record, number)``), or, when every record
    has its own, move the counter past the highest, so that none is given again."""
    if plan.numbered:
        first = identifier_numbers_take(
            organization=organization, kind=kind, count=len(plan.numbered), at_least=plan.highest_number
        )
        for offset, index in enumerate(plan.numbered):
            assign(plan.records[index], first + offset)
    else:
        identifier_number_seen(organization=organization, kind=kind, number=plan.highest_number)


def bulk_insert(records: Sequence, model, *, actor: Actor, reason: str, taken: str = "") -> list:
    """Insert ``records`` of ``model`` in batches, each with a "created" history
    row naming ``actor`` and ``reason`` (a plain ``bulk_create`` writes no history;
    the reason is cut to the history's column by ``core.services.history_reason``).

    Call it inside the bulk create's transaction. When a unique value was taken
    between validating and writing, nothing is written and ``ValidationError``
    says so: "Another change took some of these <taken> meanwhile…".
    """
    if not records:
        return []
    try:
        with transaction.atomic():
            return bulk_create_with_history(
                list(records),
                model,
                batch_size=500,
                default_user=actor,
                default_change_reason=history_reason(reason),
            )
    except IntegrityError:
        what = taken or f"{model._meta.verbose_name_plural}"
        raise ValidationError(
            f"Another change took some of these {what} meanwhile; nothing was created. Try again."
        ) from None
