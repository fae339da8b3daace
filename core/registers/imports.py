"""Importing a file into a register, all or nothing (the pages: ``import_views``).

A register subclasses ``TableImport`` and says what is its own: its
``columns``, how the cells of a row become a draft (``draft_from_row``), how
a batch is validated and created (its ``<noun>_bulk_validate`` and
``<noun>_bulk_create`` services) and what the preview counts besides rows.
The skeleton is here, once:

- ``preview``: cells → drafts → the batch validated as a whole; every problem
  with its file line and column; nothing written;
- ``write``: the same checks, then the batch created in one transaction with
  the reason "Imported from <file>", or ``ImportRefused`` listing every problem
  and nothing written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.types import Actor

from ..services import history_reason
from ..tabular import Column, Row, RowError, RowErrors
from .bulk import BulkError, BulkPlan, Errors


class ImportRefused(Exception):
    """The file has problems (or the register changed since the preview); nothing was imported."""

    def __init__(self, errors: RowErrors):
        self.errors = errors
        super().__init__(f"{len(errors)} problems; nothing was imported.")


def import_reason(filename: str) -> str:
    """The reason an imported record's history gives: "Imported from <file>", cut
    to the history's column once (``core.services.history_reason``)."""
    return history_reason(f"Imported from {filename}" if filename else "Imported from a file")


def plan_row_errors(rows: Sequence[Row], plan_errors: Errors, *, headers: Mapping[str, str]) -> RowErrors:
    """A plan's per-item errors as file problems: the item's line, and the
    column's header for a field (``row`` for a problem of the whole item)."""
    errors = RowErrors()
    for index, fields in plan_errors.items():
        line = rows[index].line
        for name, messages in fields.items():
            column = headers.get(name, "row")
            for message in messages:
                errors.add(line, column, message)
    return errors


@dataclass
class ImportRow:
    """One row of a preview: its line, the record it would create, its draft and its problems."""

    line: int
    record: Any
    draft: Any
    errors: list[RowError]


@dataclass
class ImportPreview:
    """What importing a file would do: every row, and every problem with its line and column.

    ``tallies`` are the register's own counters (label, number), shown beside
    the rows, ready and problem counts.
    """

    rows: list[ImportRow]
    errors: RowErrors
    plan: BulkPlan
    tallies: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def valid_count(self) -> int:
        return sum(1 for r in self.rows if not r.errors)

    @property
    def invalid_count(self) -> int:
        return len(self.rows) - self.valid_count


class TableImport:
    """One register's import. Subclass it, then expose ``preview`` and ``write``
    of an instance as the register's ``<noun>_import_preview`` / ``<noun>_import``."""

    columns: Sequence[Column]

    def context(self, organization, rows: list[Row]) -> Any:
        """What turning cells into values needs, read once per file (members, linked records…)."""
        return None

    def draft_from_row(self, row: Row, context: Any) -> tuple[Any, dict[str, list[str]]]:
        """The draft of one row, and the problems found in its cells per field."""
        raise NotImplementedError("A register import declares draft_from_row(): how one row becomes a draft.")

    def validate(
        self, *, organization, actor: Actor, drafts: list, errors: Errors, item_names: list[str]
    ) -> BulkPlan:
        """The register's ``<noun>_bulk_validate``."""
        raise NotImplementedError("A register import declares validate(): its <noun>_bulk_validate.")

    def create(self, *, organization, actor: Actor, drafts: list, reason: str) -> list:
        """The register's ``<noun>_bulk_create``; raises ``BulkError``."""
        raise NotImplementedError("A register import declares create(): its <noun>_bulk_create.")

    def tallies(self, rows: list[ImportRow]) -> list[tuple[str, int]]:
        return []

    # --- The skeleton ---------------------------------------------------------------

    @property
    def headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.columns}

    def drafts(self, organization, rows: list[Row]) -> tuple[list, Errors]:
        context = self.context(organization, rows)
        drafts, cell_errors = [], {}
        for index, row in enumerate(rows):
            draft, problems = self.draft_from_row(row, context)
            drafts.append(draft)
            if problems:
                cell_errors[index] = problems
        return drafts, cell_errors

    def _plan(self, *, organization, actor: Actor, rows, drafts, cell_errors) -> BulkPlan:
        return self.validate(
            organization=organization,
            actor=actor,
            drafts=drafts,
            errors=cell_errors,
            item_names=[f"line {row.line}" for row in rows],
        )

    def preview(self, *, organization, actor: Actor, rows: list[Row]) -> ImportPreview:
        """Check every row of an uploaded file as one batch; writes nothing."""
        drafts, cell_errors = self.drafts(organization, rows)
        plan = self._plan(
            organization=organization, actor=actor, rows=rows, drafts=drafts, cell_errors=cell_errors
        )
        errors = plan_row_errors(rows, plan.errors, headers=self.headers)
        preview_rows = [
            ImportRow(line=row.line, record=record, draft=draft, errors=errors.for_line(row.line))
            for row, record, draft in zip(rows, plan.records, drafts, strict=True)
        ]
        return ImportPreview(rows=preview_rows, errors=errors, plan=plan, tallies=self.tallies(preview_rows))

    def write(self, *, organization, actor: Actor, rows: list[Row], filename: str = "") -> list:
        """Create a record per row, or nothing at all.

        Raises ``ImportRefused`` listing every problem (line, column, message).
        """
        drafts, cell_errors = self.drafts(organization, rows)
        if cell_errors:
            plan = self._plan(
                organization=organization, actor=actor, rows=rows, drafts=drafts, cell_errors=cell_errors
            )
            raise ImportRefused(plan_row_errors(rows, plan.errors, headers=self.headers))
        try:
            return self.create(
                organization=organization, actor=actor, drafts=drafts, reason=import_reason(filename)
            )
        except BulkError as exc:
            raise ImportRefused(plan_row_errors(rows, exc.plan.errors, headers=self.headers)) from None
