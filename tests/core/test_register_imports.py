"""The import skeleton: cells → drafts → one batch validated → created, or
nothing at all, with every problem at its line and column."""

import pytest

from core.registers.bulk import BulkError, BulkPlan, ItemErrors, item_name
from core.registers.imports import ImportRefused, TableImport, import_reason
from core.tabular import Column, Row


class _Import(TableImport):
    """A register of names: a name must not be blank, and "taken" is taken."""

    columns = [Column(key="name", header="name"), Column(key="size", header="size")]

    def __init__(self, *, taken_meanwhile=False):
        self.created = []
        self.taken_meanwhile = taken_meanwhile

    def draft_from_row(self, row, context):
        problems = {}
        if not row.get("size").isdigit():
            problems["size"] = [f"“{row.get('size')}” is not a number."]
        return {"name": row.get("name")}, problems

    def validate(self, *, organization, actor, drafts, errors, item_names):
        found = ItemErrors(errors)
        for index, draft in enumerate(drafts):
            if not draft["name"]:
                found.add(index, "name", "Give a name.")
            if draft["name"] == "taken" or (self.taken_meanwhile and index == 0):
                found.add(index, "row", f"Taken already ({item_name(item_names, index)}).")
        return BulkPlan(records=[d["name"] for d in drafts], drafts=drafts, errors=found.as_dict())

    def create(self, *, organization, actor, drafts, reason):
        plan = self.validate(organization=organization, actor=actor, drafts=drafts, errors={}, item_names=[])
        if not plan.is_valid:
            raise BulkError(plan)
        self.created.append((reason, [d["name"] for d in drafts]))
        return plan.records


def _rows(*cells):
    return [
        Row(line=line, cells={"name": name, "size": size}) for line, (name, size) in enumerate(cells, start=2)
    ]


def test_a_preview_reports_every_problem_at_its_line_and_column_and_writes_nothing():
    register = _Import()
    preview = register.preview(
        organization=None, actor=None, rows=_rows(("a", "1"), ("", "x"), ("taken", "3"))
    )
    assert [(e.line, e.column, e.message) for e in preview.errors] == [
        (3, "size", "“x” is not a number."),
        (3, "name", "Give a name."),
        (4, "row", "Taken already (line 4)."),
    ]
    assert (preview.valid_count, preview.invalid_count, preview.is_valid) == (1, 2, False)
    assert [r.record for r in preview.rows] == ["a", "", "taken"]
    assert register.created == []


def test_a_file_with_one_bad_cell_writes_nothing():
    register = _Import()
    with pytest.raises(ImportRefused) as refused:
        register.write(organization=None, actor=None, rows=_rows(("a", "1"), ("b", "two")), filename="f.csv")
    assert [(e.line, e.column) for e in refused.value.errors] == [(3, "size")]
    assert register.created == []


def test_a_batch_refused_when_writing_writes_nothing_and_says_where():
    # Valid in the preview, taken by the time it is written: the create refuses the batch.
    register = _Import(taken_meanwhile=True)
    with pytest.raises(ImportRefused) as refused:
        register.write(organization=None, actor=None, rows=_rows(("a", "1"), ("b", "2")), filename="f.csv")
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "row")]
    assert register.created == []


def test_a_valid_file_is_written_at_once_with_the_file_in_the_reason():
    register = _Import()
    written = register.write(
        organization=None, actor=None, rows=_rows(("a", "1"), ("b", "2")), filename="f.csv"
    )
    assert written == ["a", "b"]
    assert register.created == [("Imported from f.csv", ["a", "b"])]


def test_the_reason_names_the_file_within_the_history_column():
    assert import_reason("") == "Imported from a file"
    long = import_reason("x" * 300 + ".csv")
    assert len(long) == 100 and long.startswith("Imported from xxx")
