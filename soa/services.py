"""Writes to the Statement of Applicability: decide a row, many rows at once, reuse
a decision across the crosswalk, approve a version. Each checks the actor's role
and saves through ``record_save`` so that the history names who did it."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.history import FieldChange
from core.roles import Capability
from core.services import record_delete, record_save
from core.types import Actor
from organizations.models import Membership, Organization

from . import selectors
from .models import STORED_REASON_KINDS, ImplementationStatus, ReasonKind, SoAEntry, SoAReason, SoAVersion
from .versions import rows_digest, version_row_from_entry

#: Fields of a row a service may set; the control, and the derived risk_treatment reason, are not among them.
SOA_WRITABLE_FIELDS = frozenset(
    {
        "applicable",
        "exclusion_justification",
        "status",
        "target_date",
        "owner",
        "implementation_notes",
        "evidence_location",
    }
)
_TEXT_FIELDS = ("exclusion_justification", "implementation_notes", "evidence_location")
REASON_NOTE_MAX = 500
BULK_MAX_ROWS = 500


def _acting_membership(organization_id: int, actor: Actor) -> Membership:
    membership = (
        Membership.objects.filter(organization_id=organization_id, user=actor).select_related("user").first()
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise PermissionDenied("Only members of the organization change its Statement of Applicability.")
    return membership


def _member_ids(organization_id: int) -> set[int]:
    return set(Membership.objects.filter(organization_id=organization_id).values_list("user_id", flat=True))


# --- One row --------------------------------------------------------------------------------


@dataclass
class _Plan:
    """A validated change to one row: the new field values and, if given, its recorded reasons."""

    entry: SoAEntry
    values: dict[str, Any]
    reasons: list[dict] | None


def _reasons_errors(reasons) -> tuple[list[dict], list[str]]:
    if not isinstance(reasons, list):
        return [], ['Give a list of reasons, e.g. [{"kind": "contractual", "note": "Required by …"}].']
    cleaned, errors, seen = [], [], set()
    allowed = {k.value for k in STORED_REASON_KINDS}
    for index, reason in enumerate(reasons, start=1):
        if not isinstance(reason, Mapping):
            errors.append(f"Reason {index}: give a kind and a note.")
            continue
        kind, note = reason.get("kind"), str(reason.get("note") or "").strip()
        if kind == ReasonKind.RISK_TREATMENT:
            errors.append(
                f"Reason {index}: risk_treatment is read from the risk register; "
                "link the control to a risk's treatment instead."
            )
        elif kind not in allowed:
            errors.append(f"Reason {index}: unknown kind {kind!r}; use one of {', '.join(sorted(allowed))}.")
        elif kind in seen:
            errors.append(f"Reason {index}: {kind} is given twice; give one note per kind.")
        elif not note:
            errors.append(f"Reason {index}: say why in the note.")
        elif len(note) > REASON_NOTE_MAX:
            errors.append(f"Reason {index}: keep the note under {REASON_NOTE_MAX} characters.")
        else:
            seen.add(kind)
            cleaned.append({"kind": kind, "note": note})
    return cleaned, errors


def _plan(
    entry: SoAEntry,
    *,
    membership: Membership,
    members: set[int],
    values: Mapping[str, Any],
    reasons: list | None,
) -> tuple[_Plan, dict[str, list[str]]]:
    """Check a change to ``entry`` without writing it: the plan and the errors per field."""
    errors: dict[str, list[str]] = {}
    if not membership.can_edit(entry):
        errors["non_field_errors"] = ["You can change only the SoA rows you own."]
    unknown = set(values) - SOA_WRITABLE_FIELDS
    for name in sorted(unknown):
        errors[name] = ["This field cannot be written."]
    new = {name: getattr(entry, name) for name in SOA_WRITABLE_FIELDS}
    new.update({k: v for k, v in values.items() if k in SOA_WRITABLE_FIELDS})
    for name in _TEXT_FIELDS:
        new[name] = str(new[name] or "").strip()

    if new["applicable"] not in (True, False, None):
        errors["applicable"] = ["Say true, false, or null for undecided."]
    if new["status"] not in ImplementationStatus.values:
        errors["status"] = [f"Use one of {', '.join(ImplementationStatus.values)}."]
    if new["target_date"] is not None and not isinstance(new["target_date"], datetime.date):
        errors["target_date"] = ["Give a date (YYYY-MM-DD)."]
    owner = new["owner"]
    if "owner" in values and owner is not None:
        if owner.pk not in members:
            errors["owner"] = ["The owner must be a member of the organization."]
        elif not membership.can_assign_owner(owner):
            errors["owner"] = ["You can make only yourself the owner."]
    if new["applicable"] is False and not new["exclusion_justification"]:
        errors["exclusion_justification"] = ["Say why the control is excluded."]
    if new["applicable"] is True:
        new["exclusion_justification"] = (
            ""  # a justification for exclusion means nothing on an applicable row
        )

    cleaned = None
    if reasons is not None:
        cleaned, reason_errors = _reasons_errors(reasons)
        if reason_errors:
            errors["reasons"] = reason_errors
    return _Plan(entry=entry, values=new, reasons=cleaned), errors


def _write(plan: _Plan, *, actor: Actor, reason: str) -> SoAEntry:
    entry = plan.entry
    changed = [name for name, value in plan.values.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, plan.values[name])
    if changed:
        record_save(entry, actor=actor, reason=reason, update_fields=[*changed, "updated_at"])
    if plan.reasons is not None:
        current = {r.kind: r for r in SoAReason.objects.filter(entry=entry)}
        wanted = {r["kind"]: r["note"] for r in plan.reasons}
        for kind, stored in current.items():
            if kind not in wanted:
                record_delete(stored, actor=actor, reason=reason)
            elif stored.note != wanted[kind]:
                stored.note = wanted[kind]
                record_save(stored, actor=actor, reason=reason, update_fields=["note", "updated_at"])
        for kind, note in wanted.items():
            if kind not in current:
                record_save(
                    SoAReason(organization_id=entry.organization_id, entry=entry, kind=kind, note=note),
                    actor=actor,
                    reason=reason,
                )
    return entry


@transaction.atomic
def soa_entry_update(
    *, entry: SoAEntry, actor: Actor, values: Mapping[str, Any], reasons: list | None = None, reason: str = ""
) -> SoAEntry:
    """Change one row: any of ``SOA_WRITABLE_FIELDS``, and, when ``reasons`` is
    given, its recorded reasons (a list of ``{kind, note}``, replacing the
    current ones; ``risk_treatment`` is refused, it comes from the register).

    An excluded row needs a justification; an applicable row keeps none. Those
    who edit everything change any row; contributors the rows they own.
    """
    membership = _acting_membership(entry.organization_id, actor)
    plan, errors = _plan(
        entry,
        membership=membership,
        members=_member_ids(entry.organization_id),
        values=values,
        reasons=reasons,
    )
    if errors:
        raise ValidationError(errors)
    return _write(plan, actor=actor, reason=reason or "SoA row changed")


# --- Many rows ------------------------------------------------------------------------------


class SoABulkError(ValidationError):
    """Some rows of a bulk update are invalid; nothing was written. ``errors``
    maps each failing row's id to its errors per field."""

    def __init__(self, errors: dict[int, dict[str, list[str]]], total: int):
        self.errors = errors
        super().__init__(f"{len(errors)} of {total} rows are invalid; nothing was changed.", code="bulk")


@transaction.atomic
def soa_bulk_update(
    *, organization: Organization, actor: Actor, changes: Sequence[Mapping[str, Any]], reason: str = ""
) -> list[SoAEntry]:
    """Change many rows at once, all or nothing.

    Each change names the row's ``id`` and the values to set (as
    ``soa_entry_update``, ``reasons`` included). Every row is checked first; if
    any fails, nothing is written and ``SoABulkError`` says what is wrong with
    which row.
    """
    membership = _acting_membership(organization.pk, actor)
    if not changes:
        raise ValidationError({"rows": ["Give at least one row to change."]})
    if len(changes) > BULK_MAX_ROWS:
        raise ValidationError({"rows": [f"Change at most {BULK_MAX_ROWS} rows at once."]})
    ids = [change.get("id") for change in changes]
    entries = SoAEntry.objects.for_organization(organization).in_bulk([i for i in ids if isinstance(i, int)])
    members = _member_ids(organization.pk)
    plans, errors, seen = [], {}, set()
    for position, change in enumerate(changes):
        entry_id = change.get("id")
        entry = entries.get(entry_id) if isinstance(entry_id, int) else None
        key = entry_id if isinstance(entry_id, int) else position
        if entry is None:
            errors[key] = {"id": ["No such SoA row in this organization."]}
            continue
        if entry_id in seen:
            errors[key] = {"id": ["This row is given twice."]}
            continue
        seen.add(entry_id)
        values = {k: v for k, v in change.items() if k not in ("id", "reasons")}
        plan, row_errors = _plan(
            entry, membership=membership, members=members, values=values, reasons=change.get("reasons")
        )
        if row_errors:
            errors[key] = row_errors
        plans.append(plan)
    if errors:
        raise SoABulkError(errors, total=len(changes))
    return [_write(plan, actor=actor, reason=reason or "SoA rows changed together") for plan in plans]


# --- Across the crosswalk ---------------------------------------------------------------------


@dataclass
class MappedChange:
    """What applying a decision changes (or would change) on one counterpart row."""

    entry: SoAEntry
    relation: str
    changes: list[FieldChange] = field(default_factory=list)


def _reasons_text(reasons: list[dict]) -> str:
    labels = dict(ReasonKind.choices)
    return "; ".join(f"{labels[r['kind']]}: {r['note']}" for r in reasons) or "—"


def _applicable_text(value) -> str:
    return {True: "Applicable", False: "Not applicable", None: "Undecided"}[value]


@transaction.atomic
def soa_apply_to_mapped(*, entry: SoAEntry, actor: Actor, dry_run: bool = False) -> list[MappedChange]:
    """Copy the row's decision to the rows of its crosswalk counterparts
    (``controls.Mapping``, both directions): applicability, recorded reasons
    and implementation status — and, for an exclusion, its justification,
    without which an excluded row is incomplete.

    Returns exactly the counterparts that change and how, field by field;
    rows already in step are left out. With ``dry_run`` nothing is written
    (the confirmation shows this list). All or nothing: a counterpart the
    actor may not change stops the whole operation.
    """
    membership = _acting_membership(entry.organization_id, actor)
    if entry.applicable is None:
        # Copying "undecided" would only wipe the counterparts' own decisions.
        raise ValidationError({"applicable": ["Decide this row before applying its decision elsewhere."]})
    source_reasons = [{"kind": r.kind, "note": r.note} for r in SoAReason.objects.filter(entry=entry)]
    values = {"applicable": entry.applicable, "status": entry.status}
    if entry.applicable is False:
        values["exclusion_justification"] = entry.exclusion_justification
    members = _member_ids(entry.organization_id)
    status_labels = dict(ImplementationStatus.choices)

    result, plans, refused, invalid = [], [], [], []
    for counterpart, mapping in selectors.counterpart_entries(entry):
        current_reasons = [{"kind": r.kind, "note": r.note} for r in counterpart.reasons.all()]
        changes = []
        if counterpart.applicable != entry.applicable:
            changes.append(
                FieldChange(
                    "applicable",
                    "Applicable",
                    _applicable_text(counterpart.applicable),
                    _applicable_text(entry.applicable),
                )
            )
        if sorted(current_reasons, key=lambda r: r["kind"]) != sorted(
            source_reasons, key=lambda r: r["kind"]
        ):
            changes.append(
                FieldChange(
                    "reasons",
                    "Reasons for inclusion",
                    _reasons_text(current_reasons),
                    _reasons_text(source_reasons),
                )
            )
        if counterpart.status != entry.status:
            changes.append(
                FieldChange(
                    "status",
                    "Implementation status",
                    status_labels[counterpart.status],
                    status_labels[entry.status],
                )
            )
        justification = values.get("exclusion_justification", "")
        if entry.applicable is False and counterpart.exclusion_justification != justification:
            changes.append(
                FieldChange(
                    "exclusion_justification",
                    "Justification for exclusion",
                    counterpart.exclusion_justification or "—",
                    justification or "—",
                )
            )
        elif entry.applicable is True and counterpart.exclusion_justification:
            changes.append(
                FieldChange(
                    "exclusion_justification",
                    "Justification for exclusion",
                    counterpart.exclusion_justification,
                    "—",
                )
            )
        if not changes:
            continue
        if not membership.can_edit(counterpart):
            refused.append(counterpart.control.reference)
        result.append(MappedChange(entry=counterpart, relation=mapping.relation, changes=changes))
        plan, errors = _plan(
            counterpart, membership=membership, members=members, values=values, reasons=source_reasons
        )
        invalid += [
            f"{counterpart.control.reference}: {m}"
            for k, ms in errors.items()
            if k != "non_field_errors"
            for m in ms
        ]
        plans.append(plan)
    if refused:
        raise PermissionDenied(
            f"You may not change the SoA rows of {', '.join(refused)}; nothing was changed."
        )
    if invalid:
        raise ValidationError({"non_field_errors": invalid})
    if not dry_run:
        reason = f"Decision applied from {entry.control.reference} across the crosswalk"
        for plan in plans:
            _write(plan, actor=actor, reason=reason)
    return result


# --- Approval ---------------------------------------------------------------------------------


@dataclass
class BlockingRow:
    id: int
    framework: str
    reference: str
    title: str
    reasons: list[str]


class SoAApprovalBlocked(ValidationError):
    """The SoA cannot be approved yet; ``blocking`` lists the rows that stop it and why."""

    def __init__(self, blocking: list[BlockingRow]):
        self.blocking = blocking
        super().__init__(
            f"{len(blocking)} rows must be completed before the SoA can be approved.", code="blocked"
        )


UNDECIDED = "Not decided: say whether the control is applicable."
UNJUSTIFIED = "Excluded without a justification."


def approval_blockers(entries) -> list[BlockingRow]:
    """The rows (from ``selectors.entries_for``) that stop an approval: undecided
    rows and exclusions without justification."""
    blocking = []
    for entry in entries:
        reasons = []
        if entry.applicable is None:
            reasons.append(UNDECIDED)
        elif entry.applicable is False and not entry.exclusion_justification.strip():
            reasons.append(UNJUSTIFIED)
        if reasons:
            control = entry.control
            blocking.append(
                BlockingRow(entry.pk, control.framework.code, control.reference, control.title, reasons)
            )
    return blocking


@transaction.atomic
def soa_version_approve(*, organization: Organization, actor: Actor, change_summary: str) -> SoAVersion:
    """Approve the live SoA as the next version (1, 2, …): freeze every row as it
    is now — title, decision, reasons with the risk references, status, owner —
    with the approver, the time, the change summary and the rows' SHA-256. The
    new version supersedes the previous one; neither can be changed afterwards.

    Needs the APPROVE capability (officers and admins). Refused with
    ``SoAApprovalBlocked`` while any row is undecided or excluded without
    justification.
    """
    membership = _acting_membership(organization.pk, actor)
    if not membership.can(Capability.APPROVE):
        raise PermissionDenied("Only compliance officers and administrators approve the SoA.")
    change_summary = (change_summary or "").strip()
    if not change_summary:
        raise ValidationError({"change_summary": ["Say what this version changes."]})
    # Serialize approvals of one organization, so that two cannot take the same number.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    entries = list(selectors.entries_with_risks_for(organization))
    blocking = approval_blockers(entries)
    if blocking:
        raise SoAApprovalBlocked(blocking)
    if not entries:
        raise ValidationError(
            {"non_field_errors": ["The catalogues are not loaded: there is nothing to approve."]}
        )

    previous = selectors.version_latest(organization)
    number = (SoAVersion.objects.for_organization(organization).aggregate(n=Max("number"))["n"] or 0) + 1
    rows = [version_row_from_entry(entry, position=i) for i, entry in enumerate(entries, start=1)]
    version = record_save(
        SoAVersion(
            organization=organization,
            number=number,
            approved_by=actor,
            approved_at=timezone.now(),
            change_summary=change_summary,
            rows_sha256=rows_digest(rows),
            supersedes=previous,
        ),
        actor=actor,
        reason=f"SoA version {number} approved",
    )
    for row in rows:
        row.version = version
    # The rows are written once, with the version, and never again: their
    # history is the version's own (a bulk insert keeps no history row per row).
    type(rows[0]).objects.bulk_create(rows, batch_size=500)
    return version
