"""Writes of the audit programme: plan, start, report and close an audit, build its
checklist, record results and evidence, raise findings, track and verify
corrective actions, hold management reviews.

Each service checks the actor's role (``core.roles``) and saves through
``record_save`` so that the history names who did it. Who may do what:

- officers and administrators (EDIT_ANY) plan, change, start, report and close
  audits, and hold management reviews;
- results, findings and verifications (RECORD_AUDIT_RESULTS) are recorded by
  the auditors assigned to the audit (lead or team) and by officers;
- a corrective action is changed by officers or by its owner.
"""

import datetime
import hashlib
import mimetypes
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from controls.models import Clause, ClauseMapping, Control, ControlGroup, Framework
from core.freezing import RecordFrozen
from core.registers.members import acting_membership, member_ids
from core.roles import Capability
from core.services import record_delete, record_save
from organizations.models import Membership, Organization
from soa.models import SoAVersion, SoAVersionRow

from . import selectors
from .models import (
    CLOSED_AUDIT,
    NONCONFORMITIES,
    ActionStatus,
    Audit,
    AuditStatus,
    AuditTeamMember,
    ChecklistItem,
    CorrectiveAction,
    EvidenceFile,
    Finding,
    FindingStatus,
    ManagementReview,
    Result,
    Severity,
    Verification,
)

#: Fields of an audit a service may set (status, dates actually held and the SoA version follow the workflow).
AUDIT_WRITABLE_FIELDS = (
    "soa_version",
    "title",
    "type",
    "frameworks",
    "objectives",
    "criteria",
    "planned_start",
    "planned_end",
    "lead_auditor",
)
#: Fields of a corrective action a service may set.
ACTION_WRITABLE_FIELDS = ("root_cause", "action", "owner", "due_date", "status")
REVIEW_WRITABLE_FIELDS = ("date", "attendees", "changes_in_context", "opportunities", "decisions")

EVIDENCE_MAX_BYTES = getattr(settings, "AUDIT_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
#: What evidence may be: documents, spreadsheets, images, text. Checked against the name and the content.
EVIDENCE_CONTENT_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "text/plain": None,
    "text/csv": None,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
}


class AuditCloseBlocked(ValidationError):
    """The audit cannot be closed yet; ``blockers`` says why, one sentence each."""

    def __init__(self, blockers: list[str]):
        super().__init__("The audit cannot be closed yet.", code="close_blocked")
        self.blockers = blockers


# --- Who may do what --------------------------------------------------------------------------


def _membership(organization: Organization, actor) -> Membership:
    return acting_membership(organization, actor, records="audits")


def _require(membership: Membership, capability: Capability, message: str) -> None:
    if not membership.can(capability):
        raise PermissionDenied(message)


def can_record_results(membership: Membership, audit: Audit) -> bool:
    """Officers record results on any audit; auditors only on the audits they are assigned to."""
    if not membership.can(Capability.RECORD_AUDIT_RESULTS):
        return False
    return membership.can(Capability.EDIT_ANY) or membership.user_id in selectors.audit_team_ids(audit)


def _require_recorder(audit: Audit, actor) -> Membership:
    membership = _membership(audit.organization, actor)
    if not can_record_results(membership, audit):
        raise PermissionDenied(
            "Only the auditors assigned to this audit and compliance officers record its results."
        )
    return membership


def _refuse_closed(audit: Audit) -> None:
    if Audit._base_manager.filter(pk=audit.pk, status=AuditStatus.CLOSED).exists():
        raise RecordFrozen(CLOSED_AUDIT)


def _next_number(model, organization: Organization) -> int:
    return (model._base_manager.filter(organization=organization).aggregate(n=Max("number"))["n"] or 0) + 1


# --- Audits -----------------------------------------------------------------------------------


def _audit_errors(
    organization: Organization, values: Mapping[str, Any], members: set[int]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "frameworks" in values:
        codes = list(values["frameworks"] or [])
        known = set(
            Framework.objects.filter(code__in=codes, clauses__isnull=False).values_list("code", flat=True)
        )
        if not codes:
            errors["frameworks"] = ["Give at least one framework code, e.g. iso27001-2022."]
        elif len(set(codes)) != len(codes):
            errors["frameworks"] = ["Name each framework once."]
        elif unknown := [c for c in codes if c not in known]:
            errors["frameworks"] = [f"No management-system standard has the code {', '.join(unknown)}."]
    lead = values.get("lead_auditor")
    if "lead_auditor" in values and (lead is None or lead.pk not in members):
        errors["lead_auditor"] = ["The lead auditor must be a member of the organization."]
    version = values.get("soa_version")
    if version is not None and version.organization_id != organization.pk:
        errors["soa_version"] = ["No such SoA version in this organization."]
    start, end = values.get("planned_start"), values.get("planned_end")
    if start and end and end < start:
        errors["planned_end"] = ["The planned end cannot be before the planned start."]
    if "title" in values and not str(values["title"] or "").strip():
        errors["title"] = ["Give the audit a title."]
    return errors


def _framework_order(codes: Iterable[str]) -> list[str]:
    order = dict(Framework.objects.filter(code__in=list(codes)).values_list("code", "order"))
    return sorted(codes, key=lambda code: (order.get(code, 0), code))


def _set_team(audit: Audit, team: Iterable, *, actor, members: set[int]) -> None:
    wanted = {user.pk: user for user in team}
    if outsiders := [u for pk, u in wanted.items() if pk not in members]:
        raise ValidationError({"team": [f"{u} is not a member of the organization." for u in outsiders]})
    current = {m.user_id: m for m in AuditTeamMember.objects.filter(audit=audit)}
    for user_id, membership in current.items():
        if user_id not in wanted:
            record_delete(membership, actor=actor, reason="Removed from the audit team")
    for user_id, user in wanted.items():
        if user_id not in current:
            record_save(
                AuditTeamMember(organization_id=audit.organization_id, audit=audit, user=user),
                actor=actor,
                reason="Added to the audit team",
            )


def _set_scope_lists(audit: Audit, *, themes, assets) -> None:
    if themes is not None:
        themes = list(themes)
        outside = [t for t in themes if t.framework.code not in audit.frameworks]
        if outside:
            raise ValidationError(
                {"themes": [f"{t.reference} is not a theme of a framework in scope." for t in outside]}
            )
        audit.themes.set(themes)
    if assets is not None:
        assets = list(assets)
        if any(a.organization_id != audit.organization_id for a in assets):
            raise ValidationError({"assets": ["Name only the organization's own assets."]})
        audit.assets.set(assets)


@transaction.atomic
def audit_plan(
    *,
    organization: Organization,
    actor,
    values: Mapping[str, Any],
    team: Iterable = (),
    themes: Iterable[ControlGroup] | None = None,
    assets: Iterable | None = None,
) -> Audit:
    """Plan an audit and build its checklist of clauses (the controls follow when it starts)."""
    membership = _membership(organization, actor)
    _require(membership, Capability.EDIT_ANY, "Only compliance officers and administrators plan audits.")
    values = {k: v for k, v in values.items() if k in AUDIT_WRITABLE_FIELDS}
    members = member_ids(organization)
    required = {"title", "frameworks", "planned_start", "planned_end", "lead_auditor"}
    errors = {name: ["This field is required."] for name in required if values.get(name) in (None, "", [])}
    errors.update({k: v for k, v in _audit_errors(organization, values, members).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    values["frameworks"] = _framework_order(values["frameworks"])
    audit = Audit(organization=organization, number=_next_number(Audit, organization), **values)
    audit.full_clean(exclude=["organization", "lead_auditor", "frameworks"])
    record_save(audit, actor=actor, reason="Audit planned")
    _set_team(audit, team, actor=actor, members=members)
    _set_scope_lists(audit, themes=themes, assets=assets)
    audit_checklist_build(audit=audit, actor=actor)
    return audit


@transaction.atomic
def audit_update(
    *,
    audit: Audit,
    actor,
    values: Mapping[str, Any],
    team: Iterable | None = None,
    themes: Iterable[ControlGroup] | None = None,
    assets: Iterable | None = None,
) -> Audit:
    """Change an audit that is not closed. Its scope (frameworks, themes) changes only
    while it is planned: the checklist is rebuilt to match."""
    _refuse_closed(audit)
    membership = _membership(audit.organization, actor)
    _require(membership, Capability.EDIT_ANY, "Only compliance officers and administrators change audits.")
    values = {k: v for k, v in values.items() if k in AUDIT_WRITABLE_FIELDS}
    scope_changes = (
        "frameworks" in values and values["frameworks"] != audit.frameworks
    ) or themes is not None
    if scope_changes and audit.status != AuditStatus.PLANNED:
        raise ValidationError({"frameworks": ["The scope of an audit is fixed once it has started."]})
    members = member_ids(audit.organization)
    merged = {"planned_start": audit.planned_start, "planned_end": audit.planned_end, **values}
    errors = _audit_errors(audit.organization, merged, members)
    if errors:
        raise ValidationError(errors)
    if "frameworks" in values:
        values["frameworks"] = _framework_order(values["frameworks"])
    for name, value in values.items():
        setattr(audit, name, value)
    record_save(audit, actor=actor)
    if team is not None:
        _set_team(audit, team, actor=actor, members=members)
    _set_scope_lists(audit, themes=themes, assets=assets)
    if scope_changes:
        audit_checklist_build(audit=audit, actor=actor)
    return audit


@transaction.atomic
def audit_delete(*, audit: Audit, actor) -> None:
    """Delete a planned audit (with its checklist); one that has started is kept."""
    _refuse_closed(audit)
    membership = _membership(audit.organization, actor)
    _require(membership, Capability.EDIT_ANY, "Only compliance officers and administrators delete audits.")
    if audit.status != AuditStatus.PLANNED:
        raise ValidationError("Only a planned audit can be deleted; this one has started.")
    for item in ChecklistItem.objects.filter(audit=audit):
        record_delete(item, actor=actor, reason="Audit deleted")
    for member in AuditTeamMember.objects.filter(audit=audit):
        record_delete(member, actor=actor, reason="Audit deleted")
    record_delete(audit, actor=actor)


def _reference_key(reference: str) -> tuple:
    return tuple(
        int(part) if part.isdigit() else part for part in re.split(r"[.]", reference.removeprefix("A."))
    )


def _wanted_items(audit: Audit) -> list[dict]:
    """The checklist the audit's scope asks for, in order, as field values."""
    codes = _framework_order(audit.frameworks)
    clauses = list(Clause.objects.filter(framework__code__in=codes).select_related("framework"))
    by_framework: dict[str, list[Clause]] = {code: [] for code in codes}
    for clause in clauses:
        by_framework[clause.framework.code].append(clause)
    # Clauses of the later standards that the crosswalk pairs with a clause of the first one
    # are checked by that one item (4.1 of both: one item concerning both).
    primary = codes[0]
    links = ClauseMapping.objects.filter(
        source__framework__code__in=codes, target__framework__code__in=codes
    ).values_list("source_id", "target_id")
    counterpart: dict[int, Clause] = {}
    clause_by_id = {c.pk: c for c in clauses}
    for source_id, target_id in links:
        source, target = clause_by_id[source_id], clause_by_id[target_id]
        if target.framework.code == primary and source.framework.code != primary:
            counterpart.setdefault(target.pk, source)
        elif source.framework.code == primary and target.framework.code != primary:
            counterpart.setdefault(source.pk, target)
    paired = {c.pk for c in counterpart.values()}
    clause_items = []
    for code in codes:
        for clause in by_framework[code]:
            if clause.pk in paired:
                continue
            other = counterpart.get(clause.pk) if code == primary else None
            clause_items.append(
                {
                    "clause": clause,
                    "counterpart_clause": other,
                    "frameworks": [code, other.framework.code] if other else [code],
                    "key": (_reference_key(clause.reference), codes.index(code)),
                }
            )
    clause_items.sort(key=lambda item: item["key"])

    control_items = []
    if audit.status != AuditStatus.PLANNED and audit.soa_version_id is not None:
        rows = list(
            SoAVersionRow.objects.filter(
                version_id=audit.soa_version_id, applicable=True, framework__in=codes
            ).order_by("position")
        )
        controls = {
            (c.framework.code, c.reference): c
            for c in Control.objects.filter(framework__code__in=codes).select_related("framework")
        }
        theme_ids = set(audit.themes.values_list("pk", flat=True))
        for row in rows:
            control = controls.get((row.framework, row.reference))
            if control is None or (theme_ids and control.group_id not in theme_ids):
                continue
            control_items.append({"control": control, "soa_row": row, "frameworks": [row.framework]})
    return clause_items + control_items


@transaction.atomic
def audit_checklist_build(*, audit: Audit, actor) -> list[ChecklistItem]:
    """Create the checklist items the audit's scope asks for and it does not have yet;
    idempotent. While the audit is planned, items outside its scope are removed.

    Clauses 4-10 of each standard in scope, one item for a clause the standards
    share (``controls.ClauseMapping``), the clauses only one of them has as items
    of their own; once the audit has started, the applicable controls of the
    audited SoA version (limited to the audit's themes, if it names any).
    """
    _refuse_closed(audit)
    wanted = _wanted_items(audit)
    existing = list(ChecklistItem.objects.filter(audit=audit))
    have_clauses = {item.clause_id: item for item in existing if item.clause_id}
    have_controls = {item.control_id: item for item in existing if item.control_id}
    if audit.status == AuditStatus.PLANNED:
        keep_clauses = {w["clause"].pk for w in wanted if "clause" in w}
        for item in existing:
            if item.clause_id and item.clause_id not in keep_clauses:
                record_delete(item, actor=actor, reason="Out of the audit's scope")
    new = []
    for position, values in enumerate(wanted, start=1):
        values = {k: v for k, v in values.items() if k != "key"}
        current = (
            have_clauses.get(values["clause"].pk)
            if "clause" in values
            else have_controls.get(values["control"].pk)
        )
        if current is not None:
            if current.position != position:
                current.position = position
                record_save(current, actor=actor, update_fields=["position", "updated_at"])
            continue
        new.append(
            ChecklistItem(organization_id=audit.organization_id, audit=audit, position=position, **values)
        )
    if new:
        bulk_create_with_history(
            new, ChecklistItem, default_user=actor, default_change_reason="Checklist built"
        )
    return list(selectors.checklist_of(audit))


@transaction.atomic
def audit_start(*, audit: Audit, actor, soa_version: SoAVersion | None = None) -> Audit:
    """Start a planned audit: fix the SoA version audited (the one given, or the latest
    approved) and add its applicable controls to the checklist."""
    _refuse_closed(audit)
    membership = _membership(audit.organization, actor)
    _require(membership, Capability.EDIT_ANY, "Only compliance officers and administrators start audits.")
    if audit.status != AuditStatus.PLANNED:
        raise ValidationError(
            {"status": [f"Only a planned audit can start; this one is {audit.get_status_display().lower()}."]}
        )
    if soa_version is None:
        soa_version = SoAVersion.objects.for_organization(audit.organization).order_by("-number").first()
    if soa_version is None:
        raise ValidationError(
            {"soa_version": ["No SoA version is approved yet: approve the Statement of Applicability first."]}
        )
    if soa_version.organization_id != audit.organization_id:
        raise ValidationError({"soa_version": ["No such SoA version in this organization."]})
    audit.soa_version = soa_version
    audit.status = AuditStatus.IN_PROGRESS
    audit.actual_start = timezone.localdate()
    record_save(audit, actor=actor, reason=f"Audit started on SoA version {soa_version.number}")
    audit_checklist_build(audit=audit, actor=actor)
    return audit


@transaction.atomic
def audit_report(*, audit: Audit, actor) -> Audit:
    """The fieldwork is done: the audit moves to reporting."""
    _refuse_closed(audit)
    membership = _membership(audit.organization, actor)
    if not (membership.can(Capability.EDIT_ANY) or audit.lead_auditor_id == membership.user_id):
        raise PermissionDenied("Only the lead auditor and compliance officers move an audit to reporting.")
    if audit.status != AuditStatus.IN_PROGRESS:
        raise ValidationError({"status": ["Only an audit in progress moves to reporting."]})
    audit.status = AuditStatus.REPORTING
    record_save(audit, actor=actor, reason="Audit in reporting")
    return audit


def audit_close_blockers(audit: Audit) -> list[str]:
    """What stops the audit from closing: it has not started, items without a
    result, nonconformities without a finding."""
    if audit.status not in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING):
        return [
            "Only an audit in progress or in reporting can be closed; "
            f"this one is {audit.get_status_display().lower()}."
        ]
    blockers = []
    items = list(
        ChecklistItem.objects.filter(audit=audit).select_related("clause", "control").order_by("position")
    )
    with_findings = set(Finding.objects.filter(audit=audit).values_list("checklist_item_id", flat=True))
    unrecorded = [item.subject.reference for item in items if not item.result]
    if unrecorded:
        shown = ", ".join(unrecorded[:10]) + (
            f" and {len(unrecorded) - 10} more" if len(unrecorded) > 10 else ""
        )
        blockers.append(f"{len(unrecorded)} checklist items have no result: {shown}.")
    for item in items:
        if item.result in NONCONFORMITIES and item.pk not in with_findings:
            blockers.append(f"{item.subject.reference} is a nonconformity without a finding.")
    return blockers


@transaction.atomic
def audit_close(*, audit: Audit, actor) -> Audit:
    """Close the audit: from then on it, its team, checklist and evidence are frozen,
    and so is each finding's link to it (the follow-up of findings goes on)."""
    _refuse_closed(audit)
    membership = _membership(audit.organization, actor)
    _require(membership, Capability.EDIT_ANY, "Only compliance officers and administrators close audits.")
    blockers = audit_close_blockers(audit)
    if blockers:
        raise AuditCloseBlocked(blockers)
    audit.status = AuditStatus.CLOSED
    audit.actual_end = timezone.localdate()
    record_save(audit, actor=actor, reason="Audit closed")
    return audit


# --- Checklist items and evidence -------------------------------------------------------------


def _refuse_unless_fieldwork(audit: Audit) -> None:
    _refuse_closed(audit)
    if audit.status not in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING):
        raise ValidationError("Results are recorded once the audit has started.")


@transaction.atomic
def checklist_item_record(*, item: ChecklistItem, actor, values: Mapping[str, Any]) -> ChecklistItem:
    """Record an item's ``result``, ``notes`` and ``evidence`` references."""
    audit = item.audit
    _refuse_closed(audit)
    _require_recorder(audit, actor)
    _refuse_unless_fieldwork(audit)
    values = {k: v for k, v in values.items() if k in ("result", "notes", "evidence")}
    if "result" in values and values["result"] not in ("", *Result.values):
        raise ValidationError({"result": [f"Choose one of {', '.join(Result.values)}."]})
    if values.get("result", item.result) in ("", Result.CONFORMING) and item.findings.exists():
        raise ValidationError(
            {"result": ["This item has findings: its result must stay one that explains them."]}
        )
    for name, value in values.items():
        setattr(item, name, value)
    if "result" in values:
        item.recorded_by, item.recorded_at = actor, timezone.now()
    record_save(item, actor=actor)
    return item


def _sniffed_type(upload: UploadedFile) -> str:
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    guessed = mimetypes.guess_type(upload.name or "")[0]
    if declared not in EVIDENCE_CONTENT_TYPES or guessed != declared:
        raise ValidationError({"file": ["Upload a PDF, PNG, JPEG, text, CSV, XLSX or DOCX file."]})
    magic = EVIDENCE_CONTENT_TYPES[declared]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if magic is None:
        if b"\x00" in head:
            raise ValidationError({"file": ["The file's content is not text, as its type says."]})
    elif not head.startswith(magic):
        raise ValidationError({"file": [f"The file's content is not {declared}, as its name and type say."]})
    return declared


@transaction.atomic
def evidence_file_add(*, item: ChecklistItem, actor, upload: UploadedFile) -> EvidenceFile:
    """Attach an uploaded file to an item as evidence: size-limited, its type checked
    against its name and its first bytes, stored under the organization's folder."""
    audit = item.audit
    _refuse_closed(audit)
    _require_recorder(audit, actor)
    _refuse_unless_fieldwork(audit)
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {"file": [f"The file is larger than {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB."]}
        )
    content_type = _sniffed_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(
        organization_id=item.organization_id,
        item=item,
        name=(upload.name or "evidence")[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(upload.name or "evidence", upload, save=False)
    return record_save(evidence, actor=actor, reason="Evidence uploaded")


# --- Findings ---------------------------------------------------------------------------------


@transaction.atomic
def finding_create(*, item: ChecklistItem, actor, description: str, severity: str = "") -> Finding:
    """Raise a finding from a checklist item that has a result other than conforming;
    its severity is the result unless given, its standards are the item's."""
    audit = item.audit
    _refuse_closed(audit)
    _require_recorder(audit, actor)
    if not item.result or item.result == Result.CONFORMING:
        raise ValidationError(
            {"checklist_item": ["Record a result other than conforming before raising a finding."]}
        )
    severity = severity or item.result
    if severity not in Severity.values:
        raise ValidationError({"severity": ["Choose major_nc, minor_nc, observation or opportunity."]})
    if not str(description or "").strip():
        raise ValidationError({"description": ["Describe the finding."]})
    finding = Finding(
        organization_id=audit.organization_id,
        audit=audit,
        checklist_item=item,
        number=_next_number(Finding, audit.organization),
        severity=severity,
        frameworks=item.frameworks,
        description=description.strip(),
    )
    return record_save(finding, actor=actor, reason="Finding raised")


@transaction.atomic
def finding_update(*, finding: Finding, actor, values: Mapping[str, Any]) -> Finding:
    """Change a finding's description, or (audit still open) its severity."""
    _require_recorder(finding.audit, actor)
    values = {k: v for k, v in values.items() if k in ("description", "severity")}
    if "severity" in values and values["severity"] not in Severity.values:
        raise ValidationError({"severity": ["Choose major_nc, minor_nc, observation or opportunity."]})
    for name, value in values.items():
        setattr(finding, name, value)
    return record_save(finding, actor=actor)


@transaction.atomic
def finding_close(*, finding: Finding, actor) -> Finding:
    """Close a finding; a nonconformity only once each of its corrective actions is verified effective."""
    _require_recorder(finding.audit, actor)
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError({"status": ["This finding is already closed."]})
    blockers = finding.closing_blockers()
    if blockers:
        raise ValidationError({"status": blockers})
    finding.status = FindingStatus.CLOSED
    finding.closed_at, finding.closed_by = timezone.now(), actor
    return record_save(finding, actor=actor, reason="Finding closed")


# --- Corrective and review actions -------------------------------------------------------------


def _action_errors(
    values: Mapping[str, Any], members: set[int], *, for_finding: bool
) -> dict[str, list[str]]:
    errors = {}
    if "owner" in values and (values["owner"] is None or values["owner"].pk not in members):
        errors["owner"] = ["The owner must be a member of the organization."]
    if "status" in values and values["status"] not in ActionStatus.values:
        errors["status"] = [f"Choose one of {', '.join(ActionStatus.values)}."]
    if "action" in values and not str(values["action"] or "").strip():
        errors["action"] = ["Say what will be done."]
    if for_finding and "root_cause" in values and not str(values["root_cause"] or "").strip():
        errors["root_cause"] = ["A corrective action starts from the root cause."]
    return errors


def _complete(action: CorrectiveAction, previous_status: str) -> None:
    if action.status == ActionStatus.DONE and previous_status != ActionStatus.DONE:
        action.completed_at = timezone.localdate()
    elif action.status != ActionStatus.DONE:
        action.completed_at = None


@transaction.atomic
def corrective_action_create(
    *,
    actor,
    values: Mapping[str, Any],
    finding: Finding | None = None,
    review: ManagementReview | None = None,
) -> CorrectiveAction:
    """Add an action to a finding (officers, or the auditors who record the audit's results)
    or to a management review (officers)."""
    if (finding is None) == (review is None):
        raise ValidationError("An action belongs to one finding or to one management review.")
    organization = finding.organization if finding is not None else review.organization
    membership = _membership(organization, actor)
    if finding is not None:
        if not (membership.can(Capability.EDIT_ANY) or can_record_results(membership, finding.audit)):
            raise PermissionDenied(
                "Only compliance officers and the audit's auditors add corrective actions."
            )
        if finding.status == FindingStatus.CLOSED:
            raise ValidationError({"finding": ["This finding is closed."]})
    else:
        _require(
            membership, Capability.EDIT_ANY, "Only compliance officers and administrators add review actions."
        )
    values = {k: v for k, v in values.items() if k in ACTION_WRITABLE_FIELDS}
    required = ["action", "owner", "due_date"] + (["root_cause"] if finding is not None else [])
    errors = {name: ["This field is required."] for name in required if values.get(name) in (None, "")}
    errors.update(
        {
            k: v
            for k, v in _action_errors(
                values, member_ids(organization), for_finding=finding is not None
            ).items()
            if k not in errors
        }
    )
    if errors:
        raise ValidationError(errors)
    action = CorrectiveAction(
        organization=organization,
        finding=finding,
        review=review,
        number=_next_number(CorrectiveAction, organization),
        **values,
    )
    _complete(action, ActionStatus.OPEN)
    return record_save(action, actor=actor, reason="Action added")


@transaction.atomic
def corrective_action_update(
    *, action: CorrectiveAction, actor, values: Mapping[str, Any]
) -> CorrectiveAction:
    """Change an action: officers change anything, its owner its progress. A verified
    effective action is settled: it no longer changes."""
    membership = _membership(action.organization, actor)
    if not membership.can_edit(action):
        raise PermissionDenied("Only compliance officers and the action's owner change it.")
    if action.verification_result == Verification.EFFECTIVE:
        raise ValidationError("This action is verified effective: it can no longer be changed.")
    values = {k: v for k, v in values.items() if k in ACTION_WRITABLE_FIELDS}
    if "owner" in values and not membership.can_assign_owner(values["owner"]):
        raise PermissionDenied("Only compliance officers give an action to someone else.")
    errors = _action_errors(
        values, member_ids(action.organization), for_finding=action.finding_id is not None
    )
    if errors:
        raise ValidationError(errors)
    previous = action.status
    for name, value in values.items():
        setattr(action, name, value)
    _complete(action, previous)
    return record_save(action, actor=actor)


@transaction.atomic
def corrective_action_verify(
    *, action: CorrectiveAction, actor, result: str, notes: str = ""
) -> CorrectiveAction:
    """Record whether a done action was effective (who, when, result). Not effective
    reopens it, so that it is done again and verified again."""
    membership = _membership(action.organization, actor)
    if action.finding_id is not None:
        if not can_record_results(membership, action.finding.audit):
            raise PermissionDenied(
                "Only the audit's auditors and compliance officers verify corrective actions."
            )
    else:
        _require(
            membership,
            Capability.EDIT_ANY,
            "Only compliance officers and administrators verify review actions.",
        )
    if result not in Verification.values:
        raise ValidationError({"result": [f"Choose one of {', '.join(Verification.values)}."]})
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": ["Only a done action can be verified."]})
    if action.verification_result == Verification.EFFECTIVE:
        raise ValidationError({"result": ["This action is already verified effective."]})
    if result == Verification.NOT_EFFECTIVE and not str(notes or "").strip():
        raise ValidationError({"notes": ["Say why the action was not effective."]})
    action.verification_result = result
    action.verification_notes = str(notes or "").strip()
    action.verified_by, action.verified_at = actor, timezone.now()
    if result == Verification.NOT_EFFECTIVE:
        action.status, action.completed_at = ActionStatus.IN_PROGRESS, None
    return record_save(action, actor=actor, reason=f"Verified: {Verification(result).label.lower()}")


# --- Management reviews ---------------------------------------------------------------------


def _review_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors = {}
    attendees = values.get("attendees")
    if "attendees" in values and (
        not isinstance(attendees, list) or not all(isinstance(a, str) and a.strip() for a in attendees)
    ):
        errors["attendees"] = ["Give the attendees as a list of names."]
    if "date" in values and not isinstance(values["date"], datetime.date):
        errors["date"] = ["Give the date of the review."]
    return errors


@transaction.atomic
def management_review_create(
    *, organization: Organization, actor, values: Mapping[str, Any]
) -> ManagementReview:
    """Record a management review of both systems, its inputs taken from the
    organization's data as of its date and stored as they were."""
    membership = _membership(organization, actor)
    _require(
        membership,
        Capability.EDIT_ANY,
        "Only compliance officers and administrators record management reviews.",
    )
    values = {k: v for k, v in values.items() if k in REVIEW_WRITABLE_FIELDS}
    errors = {"date": ["This field is required."]} if not values.get("date") else {}
    errors.update({k: v for k, v in _review_errors(values).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    if "attendees" in values:
        values["attendees"] = [a.strip() for a in values["attendees"]]
    review = ManagementReview(
        organization=organization, number=_next_number(ManagementReview, organization), **values
    )
    review.inputs = selectors.management_review_inputs(organization, as_of=review.date)
    review.inputs_taken_at = timezone.now()
    return record_save(review, actor=actor, reason="Management review recorded")


@transaction.atomic
def management_review_update(
    *, review: ManagementReview, actor, values: Mapping[str, Any]
) -> ManagementReview:
    """Change a review; a new date takes its inputs again as of that date."""
    membership = _membership(review.organization, actor)
    _require(
        membership,
        Capability.EDIT_ANY,
        "Only compliance officers and administrators change management reviews.",
    )
    values = {k: v for k, v in values.items() if k in REVIEW_WRITABLE_FIELDS}
    errors = _review_errors(values)
    if errors:
        raise ValidationError(errors)
    redate = "date" in values and values["date"] != review.date
    for name, value in values.items():
        setattr(review, name, value)
    if redate:
        review.inputs = selectors.management_review_inputs(
            review.organization, as_of=review.date, review_id=review.pk
        )
        review.inputs_taken_at = timezone.now()
    return record_save(review, actor=actor)
