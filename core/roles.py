"""Roles and what each may do: the one place where permissions are decided.

Pages, API endpoints, exports and tasks ask ``membership.can(Capability.X)``
(or ``membership.can_edit(obj)`` for records with an owner); none of them
compares role names themselves.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"
    CONTRIBUTOR = "contributor", "Contributor"
    AUDITOR = "auditor", "Auditor"
    VIEWER = "viewer", "Viewer"


class Capability(StrEnum):
    VIEW = "view"
    EDIT_ANY = "edit_any"  # create and change every record of the organization
    EDIT_OWN = "edit_own"  # create records and change those the user owns
    APPROVE = "approve"  # approve SoA versions, accept risks, sign off assessments
    RECORD_AUDIT_RESULTS = "record_audit_results"
    EXPORT = "export"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_METHODOLOGY = "manage_methodology"
    # Generated files (SoA PDFs, audit packs) are kept until an administrator deletes them.
    DELETE_DOCUMENTS = "delete_documents"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.COMPLIANCE_OFFICER: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_ANY,
            Capability.EDIT_OWN,
            Capability.APPROVE,
            Capability.RECORD_AUDIT_RESULTS,
            Capability.EXPORT,
        }
    ),
    Role.CONTRIBUTOR: frozenset({Capability.VIEW, Capability.EDIT_OWN, Capability.EXPORT}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.RECORD_AUDIT_RESULTS, Capability.EXPORT}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}

ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.ADMIN: "Everything, including members, roles and the risk methodology.",
    Role.COMPLIANCE_OFFICER: "Edits every record, approves SoA versions and accepts risks.",
    Role.CONTRIBUTOR: "Creates records and edits the ones they own.",
    Role.AUDITOR: "Reads everything, records audit results and exports.",
    Role.VIEWER: "Reads everything.",
}


def role_can(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
