"""Record checklist results and evidence files, raise and close findings."""

import hashlib
import mimetypes
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.deletion import DeletionImpact, record_delete_with_impact
from core.roles import Capability
from core.scanning import upload_scan
from core.services import record_save
from core.types import Actor

from ..models import (
    NONCONFORMITIES,
    Audit,
    AuditStatus,
    ChecklistItem,
    EvidenceFile,
    Finding,
    FindingStatus,
    Result,
    Severity,
)
from .access import audit_membership, next_number, refuse_if_closed, require_capability, require_recorder

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


# --- Checklist items and evidence ---


def _refuse_unless_fieldwork(audit: Audit) -> None:
    refuse_if_closed(audit)
    if audit.status not in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING):
        raise ValidationError("Results are recorded once the audit has started.")


@transaction.atomic
def checklist_item_record(*, item: ChecklistItem, actor: Actor, values: Mapping[str, Any]) -> ChecklistItem:
    """Record an item's ``result``, ``notes`` and ``evidence`` references."""
    audit = item.audit
    refuse_if_closed(audit)
    require_recorder(audit, actor)
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
def evidence_file_add(*, item: ChecklistItem, actor: Actor, upload: UploadedFile) -> EvidenceFile:
    """Attach an uploaded file to an item as evidence: size-limited, its type checked
    against its name and its first bytes, scanned (``core.scanning``: no malware signature,
    no scripts, macros or zip bombs; an engine when configured), stored under the
    organization's folder."""
    audit = item.audit
    refuse_if_closed(audit)
    require_recorder(audit, actor)
    _refuse_unless_fieldwork(audit)
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {"file": [f"The file is larger than {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB."]}
        )
    content_type = _sniffed_type(upload)
    upload_scan(upload, content_type=content_type)
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


# --- Findings ---


def _check_severity(severity: str, item: ChecklistItem) -> None:
    if severity not in Severity.values:
        raise ValidationError({"severity": ["Choose major_nc, minor_nc, observation or opportunity."]})
    if item.result in NONCONFORMITIES and severity not in NONCONFORMITIES:
        raise ValidationError(
            {
                "severity": [
                    f"{item.subject.reference} is recorded as a {item.get_result_display().lower()}: "
                    "its finding is a nonconformity too (major_nc or minor_nc)."
                ]
            }
        )


@transaction.atomic
def finding_create(*, item: ChecklistItem, actor: Actor, description: str, severity: str = "") -> Finding:
    """Raise a finding from a checklist item that has a result other than conforming;
    its severity is the result unless given (a nonconformity's finding is a nonconformity:
    a lower severity is refused), its standards are the item's."""
    audit = item.audit
    refuse_if_closed(audit)
    require_recorder(audit, actor)
    if not item.result or item.result == Result.CONFORMING:
        raise ValidationError(
            {"checklist_item": ["Record a result other than conforming before raising a finding."]}
        )
    severity = severity or item.result
    _check_severity(severity, item)
    if not str(description or "").strip():
        raise ValidationError({"description": ["Describe the finding."]})
    finding = Finding(
        organization_id=audit.organization_id,
        audit=audit,
        checklist_item=item,
        number=next_number(Finding, audit.organization),
        severity=severity,
        frameworks=item.frameworks,
        description=description.strip(),
    )
    return record_save(finding, actor=actor, reason="Finding raised")


@transaction.atomic
def finding_update(*, finding: Finding, actor: Actor, values: Mapping[str, Any]) -> Finding:
    """Change a finding's description, or (audit still open) its severity: never below a
    nonconformity while its item is recorded as one."""
    require_recorder(finding.audit, actor)
    values = {k: v for k, v in values.items() if k in ("description", "severity")}
    if "severity" in values:
        _check_severity(values["severity"], finding.checklist_item)
    for name, value in values.items():
        setattr(finding, name, value)
    return record_save(finding, actor=actor)


@transaction.atomic
def finding_close(*, finding: Finding, actor: Actor) -> Finding:
    """Close a finding; a nonconformity only once each of its corrective actions is verified effective."""
    require_recorder(finding.audit, actor)
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError({"status": ["This finding is already closed."]})
    blockers = finding.closing_blockers()
    if blockers:
        raise ValidationError({"status": blockers})
    finding.status = FindingStatus.CLOSED
    finding.closed_at, finding.closed_by = timezone.now(), actor
    return record_save(finding, actor=actor, reason="Finding closed")


@transaction.atomic
def finding_delete(*, finding: Finding, actor: Actor) -> DeletionImpact:
    """Delete a finding raised by mistake (officers and administrators), with its
    actions unless one is verified effective (``audits.deletion``); a finding of a
    closed audit stays."""
    membership = audit_membership(finding.organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators delete findings."
    )
    return record_delete_with_impact(finding, actor=actor, reason="Finding deleted")
