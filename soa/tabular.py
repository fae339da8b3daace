"""The SoA and its gap analysis as CSV/XLSX (files themselves: ``core.tabular``).

The live table and every approved version export the same columns, those of a
frozen row (``versions.ROW_FIELDS``): a live row is copied as a version row would
be, so that a file of the live SoA and a file of a version compare column by column.
"""

from collections.abc import Iterable, Iterator

from core.tabular import Column

from .gap_analysis import GapAnalysis
from .models import ImplementationStatus, SoAEntry, SoAVersionRow
from .versions import ROW_FIELDS, version_row_from_entry

_WIDTHS = {"title": 40, "theme": 30, "reasons": 60, "exclusion_justification": 40, "implementation_notes": 40}

SOA_COLUMNS: list[Column] = [
    Column(
        key=name,
        header=label,
        width=_WIDTHS.get(name, 0),
        choices=tuple(ImplementationStatus.values) if name == "status" else (),
    )
    for name, label in ROW_FIELDS
]


def _cells(row: SoAVersionRow) -> list:
    reasons = "; ".join(
        f"{r['kind']}: {r['note']}" + (f" ({', '.join(r['risks'])})" if r.get("risks") else "")
        for r in row.reasons
    )
    applicable = {True: "yes", False: "no", None: ""}[row.applicable]
    values = {"reasons": reasons, "applicable": applicable}
    return [values.get(name, getattr(row, name)) for name, _ in ROW_FIELDS]


def soa_export_rows(entries: Iterable[SoAEntry]) -> Iterator[list]:
    """The live rows (from ``selectors.entries_with_risks_for``), one list of cells each."""
    for position, entry in enumerate(entries, start=1):
        yield _cells(version_row_from_entry(entry, position=position))


def version_export_rows(rows: Iterable[SoAVersionRow]) -> Iterator[list]:
    """The rows of an approved version, exactly as frozen."""
    for row in rows:
        yield _cells(row)


GAP_COLUMNS: list[Column] = [
    Column(key="reference", header="ISO/IEC 42001 control"),
    Column(key="title", header="Title", width=40),
    Column(key="objective", header="Objective", width=30),
    Column(key="verdict", header="Verdict", choices=("covered", "partly_covered", "new_work")),
    Column(key="ai_specific", header="AI-specific", choices=("yes", "no")),
    Column(key="own_decision", header="Own decision"),
    Column(key="basis", header="ISO/IEC 27001 controls behind it", width=60),
]


def gap_export_rows(analysis: GapAnalysis) -> Iterator[list]:
    for row in analysis.rows:
        own = ""
        if row.entry is not None and row.entry.applicable is not None:
            applicable = "applicable" if row.entry.applicable else "not applicable"
            own = f"{applicable}, {row.entry.get_status_display().lower()}"
        basis = "; ".join(
            f"{b.control.reference} ({b.relation}): "
            + {True: "applicable", False: "not applicable", None: "undecided"}[b.applicable]
            + f", {b.status_label.lower()}"
            for b in row.basis
        )
        yield [
            row.control.reference,
            row.control.title,
            f"{row.control.group.reference} {row.control.group.title}",
            row.verdict,
            "yes" if row.ai_specific else "no",
            own,
            basis,
        ]
