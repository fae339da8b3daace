"""Approved versions as data: the frozen copy of a row, the digest of a version's
rows, and the row-by-row comparison of two versions."""

import hashlib
import json
from dataclasses import dataclass, field

from core.history import FieldChange

from .models import ImplementationStatus, ReasonKind, SoAEntry, SoAVersion, SoAVersionRow
from .selectors import reasons_of, version_rows

#: The fields of a version row, in the order a diff, an export or a PDF shows them.
ROW_FIELDS = (
    ("framework", "Framework"),
    ("reference", "Reference"),
    ("title", "Title"),
    ("theme", "Theme or objective"),
    ("applicable", "Applicable"),
    ("reasons", "Reasons for inclusion"),
    ("exclusion_justification", "Justification for exclusion"),
    ("status", "Implementation status"),
    ("target_date", "Target date"),
    ("owner_name", "Owner"),
    ("implementation_notes", "How it is implemented"),
    ("evidence_location", "Where the evidence is"),
)
_COMPARED = [(name, label) for name, label in ROW_FIELDS if name not in ("framework", "reference")]


def version_row_from_entry(entry: SoAEntry, *, position: int) -> SoAVersionRow:
    """The frozen copy of a live row (from ``selectors.entries_for``), unsaved."""
    control = entry.control
    return SoAVersionRow(
        organization_id=entry.organization_id,
        position=position,
        framework=control.framework.code,
        reference=control.reference,
        title=control.title,
        theme=f"{control.group.reference} {control.group.title}",
        applicable=entry.applicable,
        reasons=[
            {"kind": r["kind"], "note": r["note"], "risks": [risk["reference"] for risk in r["risks"]]}
            for r in reasons_of(entry)
        ],
        exclusion_justification=entry.exclusion_justification,
        status=entry.status,
        target_date=entry.target_date,
        owner_name=entry.owner.display_name if entry.owner else "",
        implementation_notes=entry.implementation_notes,
        evidence_location=entry.evidence_location,
    )


def row_payload(row: SoAVersionRow) -> dict:
    """A version row as plain JSON data (what the digest, the API and exports carry)."""
    payload = {name: getattr(row, name) for name, _ in ROW_FIELDS}
    payload["target_date"] = row.target_date.isoformat() if row.target_date else None
    return payload


def rows_digest(rows) -> str:
    """SHA-256 of the rows' canonical JSON: sorted keys, no spaces, UTF-8, in row order."""
    canonical = json.dumps(
        [row_payload(row) for row in rows], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def display(name: str, value) -> str:
    """A row value as a person reads it in a diff."""
    if name == "applicable":
        return {True: "Applicable", False: "Not applicable", None: "Undecided"}[value]
    if name == "status":
        return str(dict(ImplementationStatus.choices).get(value, value))
    if name == "reasons":
        labels = dict(ReasonKind.choices)
        return (
            "; ".join(
                f"{labels.get(r['kind'], r['kind'])}: {r['note']}"
                + (f" ({', '.join(r['risks'])})" if r.get("risks") else "")
                for r in value
            )
            or "—"
        )
    if value in (None, ""):
        return "—"
    return str(value)


@dataclass
class RowDiff:
    framework: str
    reference: str
    title: str
    change: str  # "changed", "added" or "removed"
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class VersionDiff:
    older: SoAVersion
    newer: SoAVersion
    rows: list[RowDiff]

    @property
    def changed_count(self) -> int:
        return len(self.rows)


def versions_diff(*, older: SoAVersion, newer: SoAVersion) -> VersionDiff:
    """What changed from ``older`` to ``newer``, row by row and field by field
    (rows only in one of them are ``added`` or ``removed``). Two queries."""
    return VersionDiff(older=older, newer=newer, rows=rows_diff(version_rows(older), version_rows(newer)))


def rows_diff(before_rows, after_rows) -> list[RowDiff]:
    """The row-by-row comparison of two sets of version rows (saved or not: the
    approval page compares the live table, copied, with the last version)."""
    before = {(r.framework, r.reference): r for r in before_rows}
    rows = []
    for row in after_rows:
        previous = before.pop((row.framework, row.reference), None)
        if previous is None:
            rows.append(RowDiff(row.framework, row.reference, row.title, "added"))
            continue
        changes = [
            FieldChange(
                field=name,
                label=label,
                old=display(name, getattr(previous, name)),
                new=display(name, getattr(row, name)),
            )
            for name, label in _COMPARED
            if _comparable(name, getattr(previous, name)) != _comparable(name, getattr(row, name))
        ]
        if changes:
            rows.append(RowDiff(row.framework, row.reference, row.title, "changed", changes))
    rows += [RowDiff(r.framework, r.reference, r.title, "removed") for r in before.values()]
    return rows


def _comparable(name: str, value):
    return json.dumps(value, sort_keys=True, default=str) if name == "reasons" else value
