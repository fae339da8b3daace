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

from .access import can_record_results
from .actions import (
    ACTION_WRITABLE_FIELDS,
    corrective_action_create,
    corrective_action_delete,
    corrective_action_update,
    corrective_action_verify,
)
from .audits import (
    AUDIT_WRITABLE_FIELDS,
    AuditCloseBlocked,
    audit_checklist_build,
    audit_close,
    audit_close_blockers,
    audit_delete,
    audit_plan,
    audit_report,
    audit_start,
    audit_update,
)
from .results import (
    EVIDENCE_CONTENT_TYPES,
    checklist_item_record,
    evidence_file_add,
    finding_close,
    finding_create,
    finding_delete,
    finding_update,
)
from .reviews import (
    REVIEW_WRITABLE_FIELDS,
    management_review_create,
    management_review_delete,
    management_review_update,
)

__all__ = [
    "ACTION_WRITABLE_FIELDS",
    "AUDIT_WRITABLE_FIELDS",
    "EVIDENCE_CONTENT_TYPES",
    "REVIEW_WRITABLE_FIELDS",
    "AuditCloseBlocked",
    "audit_checklist_build",
    "audit_close",
    "audit_close_blockers",
    "audit_delete",
    "audit_plan",
    "audit_report",
    "audit_start",
    "audit_update",
    "can_record_results",
    "checklist_item_record",
    "corrective_action_create",
    "corrective_action_delete",
    "corrective_action_update",
    "corrective_action_verify",
    "evidence_file_add",
    "finding_close",
    "finding_create",
    "finding_delete",
    "finding_update",
    "management_review_create",
    "management_review_delete",
    "management_review_update",
]
