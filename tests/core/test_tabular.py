"""Reading and writing CSV and XLSX files for imports and exports."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.tabular import CSV, XLSX, Column, RowErrors, TabularError, table_read, table_write

COLUMNS = [
    Column(key="name", header="name", required=True, aliases=("Name",)),
    Column(key="lifecycle_status", header="lifecycle_status", aliases=("Lifecycle status",)),
    Column(key="note", header="note"),
]


def test_csv_headers_match_ignoring_case_spaces_and_punctuation():
    table = table_read(
        b"Name;Lifecycle Status;Colour\nServer;in use;blue\n", columns=COLUMNS, filename="x.csv"
    )
    assert table.rows[0].cells == {"name": "Server", "lifecycle_status": "in use"}
    assert table.ignored_headers == ["Colour"]


def test_csv_line_numbers_count_the_header_and_skip_blank_lines():
    table = table_read(b"name\nA\n\n,\nB\n", columns=COLUMNS, filename="x.csv")
    assert [(r.line, r.get("name")) for r in table.rows] == [(2, "A"), (5, "B")]


def test_csv_line_numbers_follow_quoted_multi_line_cells():
    table = table_read(b'name,note\nA,"two\nlines"\nB,x\n', columns=COLUMNS, filename="x.csv")
    assert [(r.line, r.get("name")) for r in table.rows] == [(2, "A"), (4, "B")]


def test_windows_1252_csv_is_read():
    table = table_read("name\nCaf\u00e9 r\u00e9seau\n".encode("cp1252"), columns=COLUMNS, filename="x.csv")
    assert table.rows[0].get("name") == "Caf\u00e9 r\u00e9seau"


def test_a_missing_required_column_is_refused():
    with pytest.raises(TabularError, match="lacks the required column name"):
        table_read(b"note\nhello\n", columns=COLUMNS, filename="x.csv")


def test_too_many_rows_are_refused():
    with pytest.raises(TabularError, match="more than 2 rows"):
        table_read(b"name\na\nb\nc\n", columns=COLUMNS, max_rows=2, filename="x.csv")


def test_a_binary_file_that_is_not_xlsx_is_refused():
    with pytest.raises(TabularError):
        table_read(b"\x00\x01\x02garbage", columns=COLUMNS, filename="x.bin")
    with pytest.raises(TabularError, match="not a valid XLSX"):
        table_read(b"name\nA\n", columns=COLUMNS, filename="x.xlsx")


def test_xlsx_rows_come_with_their_sheet_row_number():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Lifecycle status"])
    sheet.append(["Server", None])
    sheet.append([None, None])
    sheet.append([3.0, "retired"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = table_read(buffer.getvalue(), columns=COLUMNS, filename="x.xlsx")
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, {"name": "Server", "lifecycle_status": ""}),
        (4, {"name": "3", "lifecycle_status": "retired"}),
    ]


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_formulas_are_written_as_text_and_read_back_unchanged(fmt):
    values = ['=HYPERLINK("http://x")', "-1 minus", "@SUM(A1)", "plain"]
    content = table_write([[v, "", ""] for v in values], columns=COLUMNS, fmt=fmt, title="Test")
    if fmt == XLSX:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    else:
        assert b"'=HYPERLINK" in content
    table = table_read(content, columns=COLUMNS, filename=f"x.{fmt}")
    assert [r.get("name") for r in table.rows] == values


def test_the_xlsx_explains_its_columns():
    content = table_write([], columns=COLUMNS, fmt=XLSX, title="Assets")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Assets", "Columns"]
    assert workbook["Columns"]["A2"].value == "name (required)"


def test_row_errors_are_kept_in_file_order_without_duplicates():
    errors = RowErrors()
    errors.add(5, "kind", "Bad kind")
    errors.add(2, "name", "No name")
    errors.add(5, "kind", "Bad kind")
    assert [(e.line, e.column) for e in errors] == [(2, "name"), (5, "kind")]
    assert errors.lines == {2, 5}
