"""The audit programme's registers as CSV/XLSX files (``core.registers.exports``)."""

from collections.abc import Iterable, Iterator

from core.tabular import Column

AUDIT_COLUMNS = [
    Column("reference", "Reference", width=10),
    Column("title", "Title", width=40),
    Column("type", "Type", width=24),
    Column("frameworks", "Standards", width=30),
    Column("status", "Status", width=12),
    Column("planned_start", "Planned start", width=14),
    Column("planned_end", "Planned end", width=14),
    Column("actual_start", "Started", width=14),
    Column("actual_end", "Closed", width=14),
    Column("lead_auditor", "Lead auditor", width=24),
    Column("team", "Team", width=36),
    Column("soa_version", "SoA version", width=12),
    Column("items", "Checklist items", width=10),
    Column("recorded", "Recorded", width=10),
    Column("findings", "Findings", width=10),
]

FINDING_COLUMNS = [
    Column("reference", "Reference", width=10),
    Column("audit", "Audit", width=10),
    Column("severity", "Severity", width=24),
    Column("item", "Clause or control", width=40),
    Column("frameworks", "Standards", width=30),
    Column("description", "Description", width=60),
    Column("actions", "Corrective actions", width=24),
    Column("status", "Status", width=10),
]

ACTION_COLUMNS = [
    Column("reference", "Reference", width=10),
    Column("source", "From", width=24),
    Column("root_cause", "Root cause", width=40),
    Column("action", "Action", width=50),
    Column("owner", "Owner", width=24),
    Column("due_date", "Due", width=12),
    Column("overdue", "Overdue", width=8),
    Column("status", "Status", width=12),
    Column("verification", "Verification", width=14),
    Column("verified_by", "Verified by", width=24),
    Column("verified_at", "Verified on", width=14),
]


def _day(value) -> str:
    return value.isoformat() if value else ""


def audit_export_rows(audits: Iterable) -> Iterator[list]:
    for audit in audits:
        yield [
            audit.reference,
            audit.title,
            audit.get_type_display(),
            ", ".join(audit.frameworks),
            audit.get_status_display(),
            _day(audit.planned_start),
            _day(audit.planned_end),
            _day(audit.actual_start),
            _day(audit.actual_end),
            audit.lead_auditor.display_name,
            ", ".join(m.user.display_name for m in audit.team_members.all()),
            audit.soa_version.number if audit.soa_version_id else "",
            audit.item_count,
            audit.recorded_count,
            audit.finding_count,
        ]


def item_label(item) -> str:
    subject = item.subject
    return f"{subject.reference} {subject.title}"


def finding_export_rows(findings: Iterable) -> Iterator[list]:
    for finding in findings:
        actions = list(finding.actions.all())
        verified = sum(1 for a in actions if a.verification_result == "effective")
        yield [
            finding.reference,
            finding.audit.reference,
            finding.get_severity_display(),
            item_label(finding.checklist_item),
            ", ".join(finding.frameworks),
            finding.description,
            f"{len(actions)} ({verified} verified effective)" if actions else "0",
            finding.get_status_display(),
        ]


def action_source(action) -> str:
    if action.finding_id:
        return f"Finding {action.finding.reference} ({action.finding.audit.reference})"
    return f"Management review {action.review.number}"


def action_export_rows(actions: Iterable) -> Iterator[list]:
    for action in actions:
        yield [
            action.reference,
            action_source(action),
            action.root_cause,
            action.action,
            action.owner.display_name,
            _day(action.due_date),
            "yes" if action.is_overdue else "no",
            action.get_status_display(),
            action.get_verification_result_display() if action.verification_result else "",
            action.verified_by.display_name if action.verified_by_id else "",
            _day(action.verified_at.date()) if action.verified_at else "",
        ]
