"""Reading and writing the CSV and XLSX files that imports and exports exchange,
and collecting what is wrong with their rows.

Generic: a register (assets, risks…) describes its ``Column``s and turns the
cells of each ``Row`` into values itself; this module only deals with files.

- ``table_read`` reads a CSV (UTF-8 or Windows-1252, comma, semicolon or tab
  separated) or an XLSX upload into rows of stripped text cells keyed by
  column, each with its line number in the file (the header is line 1).
- ``table_write`` writes rows as CSV or XLSX; the XLSX has a frozen, filtered
  header and a "Columns" sheet that explains every column. ``csv_chunks``
  writes the same CSV a chunk at a time, for a streamed download.
- ``RowErrors`` collects every problem of every row (line, column, message) so
  that an import can report all of them at once and write nothing.

Cells that a spreadsheet would run as a formula (starting with ``= + - @``)
are written as text: quoted with ``'`` in CSV (and unquoted again on reading),
typed as strings in XLSX.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ZIP_SIGNATURE = b"PK\x03\x04"


class TabularError(Exception):
    """The file as a whole cannot be read (wrong type, too big, missing columns)."""


@dataclass(frozen=True)
class Column:
    """One column of a register's files.

    ``key`` is what the register's code calls it, ``header`` what the file
    shows; ``aliases`` are other headers accepted on reading. ``help`` and
    ``choices`` document the column on import pages and in the XLSX.
    """

    key: str
    header: str
    help: str = ""
    required: bool = False
    choices: Sequence[str] = ()
    aliases: Sequence[str] = ()
    width: int = 0


@dataclass
class Row:
    line: int
    cells: dict[str, str]

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Table:
    format: str
    rows: list[Row]
    headers: list[str]
    ignored_headers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


class RowErrors:
    """Every problem found in a file's rows, in file order."""

    def __init__(self) -> None:
        self._errors: list[RowError] = []

    def add(self, line: int, column: str, message: str) -> None:
        error = RowError(line, column, message)
        if error not in self._errors:
            self._errors.append(error)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def __iter__(self) -> Iterator[RowError]:
        return iter(sorted(self._errors, key=lambda e: e.line))

    @property
    def lines(self) -> set[int]:
        return {e.line for e in self._errors}

    def for_line(self, line: int) -> list[RowError]:
        return [e for e in self._errors if e.line == line]

    def as_list(self) -> list[dict]:
        return [{"line": e.line, "column": e.column, "message": e.message} for e in self]


# --- Reading -------------------------------------------------------------------


def choice_lookup(choices) -> dict[str, str]:
    """How a cell may name a value of ``choices`` (a Django ``Choices`` class):
    its code, its label, or the label's head before " — " or " (", in any case.
    Keys are lower case; ``lookup.get(text.lower())`` answers the code."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        for text in (str(value), str(label), str(label).split(" — ")[0], str(label).split(" (")[0]):
            lookup.setdefault(text.strip().lower(), value)
    return lookup


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(text or "").lower())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    # Undo the quote an export put before text a spreadsheet would run as a formula.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def _detect_format(data: bytes, filename: str) -> str:
    if data.startswith(_ZIP_SIGNATURE):
        return XLSX
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise TabularError("This file is not a valid XLSX workbook.")
    if filename.lower().endswith(".xls"):
        raise TabularError("Old Excel files (.xls) are not supported: save the sheet as .xlsx or .csv.")
    if b"\x00" in data[:4096]:
        raise TabularError("This file is neither a CSV text file nor an XLSX workbook.")
    return CSV


def _csv_records(data: bytes) -> Iterator[tuple[int, list]]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TabularError(f"Line {reader.line_num}: the CSV cannot be read ({exc}).") from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TabularError(f"This XLSX workbook cannot be read ({exc.__class__.__name__}).") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def table_read(upload, *, columns: Sequence[Column], max_rows: int = 5000, filename: str = "") -> Table:
    """Read an uploaded CSV or XLSX file into rows keyed by column.

    ``upload`` is bytes or a file object. Headers are matched to columns
    ignoring case, spaces and punctuation (``Lifecycle status`` =
    ``lifecycle_status``); unknown headers are reported back, not refused.
    Completely empty rows are skipped. Raises ``TabularError`` when the file
    cannot be read, lacks a required column or has more than ``max_rows``.
    """
    if hasattr(upload, "read"):
        filename = filename or getattr(upload, "name", "") or ""
        if getattr(upload, "size", 0) and upload.size > MAX_UPLOAD_BYTES:
            raise TabularError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        data = upload.read()
    else:
        data = upload
    if not data:
        raise TabularError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TabularError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    fmt = _detect_format(data, filename)
    records = _xlsx_records(data) if fmt == XLSX else _csv_records(data)

    by_header = {}
    for column in columns:
        for name in (column.key, column.header, *column.aliases):
            by_header.setdefault(_header_key(name), column.key)

    headers: list[str] = []
    positions: list[str | None] = []
    rows: list[Row] = []
    for line, values in records:
        texts = [_cell_text(v) for v in values]
        if not headers:
            if not any(texts):
                continue
            headers = texts
            positions = [by_header.get(_header_key(h)) if h else None for h in headers]
            seen = [p for p in positions if p]
            duplicates = sorted({p for p in seen if seen.count(p) > 1})
            if duplicates:
                raise TabularError(f"These columns appear twice: {', '.join(duplicates)}.")
            missing = [c.header for c in columns if c.required and c.key not in seen]
            if missing:
                plural = "s" if len(missing) > 1 else ""
                raise TabularError(
                    f"The header row (line {line}) lacks the required column{plural} {', '.join(missing)}."
                )
            continue
        if not any(texts):
            continue
        if len(rows) >= max_rows:
            raise TabularError(f"The file has more than {max_rows} rows; split it into several files.")
        cells = {key: texts[i] for i, key in enumerate(positions) if key and i < len(texts)}
        rows.append(Row(line=line, cells=cells))
    if not headers:
        raise TabularError("The file has no header row.")
    ignored = [h for h, p in zip(headers, positions, strict=False) if h and p is None]
    return Table(format=fmt, rows=rows, headers=headers, ignored_headers=ignored)


# --- Writing -------------------------------------------------------------------


def _csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(_FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def csv_chunks(
    rows: Iterable[Sequence], *, columns: Sequence[Column], rows_per_chunk: int = 500
) -> Iterator[bytes]:
    """``rows`` as the UTF-8 CSV that ``table_write`` writes, ``rows_per_chunk`` rows at a time.

    A streamed download sends each chunk as it is ready: the first bytes leave at once and
    the whole file is never held in memory, whatever the number of rows.
    """
    buffer = io.StringIO(newline="")
    buffer.write("\ufeff")  # so that spreadsheets open UTF-8 as UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    pending = 0
    for row in rows:
        writer.writerow([_csv_safe(v) for v in row])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def table_write(
    rows: Iterable[Sequence], *, columns: Sequence[Column], fmt: str, title: str = "Sheet"
) -> bytes:
    """``rows`` (one value per column, in order) as a CSV or XLSX file."""
    if fmt == CSV:
        return b"".join(csv_chunks(rows, columns=columns))
    if fmt != XLSX:
        raise ValueError(f"Unknown format {fmt!r}")

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, column in enumerate(columns, start=1):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = column.width or max(12, min(40, len(column.header) + 4))
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1D2C47")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = header_font
        cell.fill = header_fill
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{_column_letter(len(columns))}{count + 1}"

    notes = workbook.create_sheet("Columns")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 70
    notes.column_dimensions["C"].width = 60
    wrap = Alignment(wrap_text=True, vertical="top")
    heading = []
    for text in ("Column", "What goes in it", "Accepted values"):
        cell = WriteOnlyCell(notes, value=text)
        cell.font = header_font
        cell.fill = header_fill
        heading.append(cell)
    notes.append(heading)
    for column in columns:
        cells = []
        for text in (
            column.header + (" (required)" if column.required else ""),
            column.help,
            ", ".join(column.choices),
        ):
            cell = WriteOnlyCell(notes, value=text)
            cell.alignment = wrap
            cells.append(cell)
        notes.append(cells)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def table_response(content: bytes | Iterable[bytes], *, fmt: str, filename_stem: str) -> HttpResponse:
    """A download of ``content`` named ``<filename_stem>.<fmt>``; streamed when ``content`` is chunks."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=FORMATS[fmt])
    else:
        response = StreamingHttpResponse(content, content_type=FORMATS[fmt])
    safe_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename_stem).strip("-") or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_stem}.{fmt}"'
    return response
