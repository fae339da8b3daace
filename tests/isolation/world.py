"""Two organizations with one record of every kind, for the isolation matrix.

Every name, title and text of an organization's records carries that
organization's *marker*, an unusual word that appears nowhere else, so that a
leak is found by looking for the other organization's marker in a body rather
than by knowing each page's layout.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from api_tokens.services import api_token_create
from assets import services as asset_services
from audits import services as audit_services
from audits.models import Severity
from audits.pack.requests import audit_pack_request
from controls.models import Control
from core.registers.saved_views import saved_view_save
from core.roles import Role
from documents import services as document_services
from notifications.services import notification_send
from organizations.models import Membership
from organizations.services import organization_create
from risks import services as risk_services
from soa import services as soa_services
from soa.models import SoAEntry
from tests.factories import UserFactory

ISO27001, ISO42001 = "iso27001-2022", "iso42001-2023"

#: The roles the matrix signs in as, one member each, plus the organization's creator (an admin).
ROLES = (Role.COMPLIANCE_OFFICER, Role.CONTRIBUTOR, Role.AUDITOR, Role.VIEWER)


@dataclass
class World:
    organization: object
    marker: str
    admin: object
    members: dict = field(default_factory=dict)  # role -> user
    records: dict = field(default_factory=dict)  # kind -> record (or value) a URL argument names

    def user(self, role: str):
        return self.admin if role == Role.ADMIN else self.members[role]


def _today() -> datetime.date:
    return datetime.date.today()


def world_build(*, name: str, slug: str, marker: str) -> World:
    admin = UserFactory(username=f"{slug}-admin", first_name=marker, last_name="Admin")
    organization = organization_create(name=f"{name} {marker}", slug=slug, creator=admin)
    world = World(organization=organization, marker=marker, admin=admin)
    for role in ROLES:
        user = UserFactory(username=f"{slug}-{role.replace('_', '-')}", first_name=marker, last_name=role)
        Membership.objects.create(organization=organization, user=user, role=role)
        world.members[role] = user
    auditor = world.members[Role.AUDITOR]

    server = asset_services.asset_create(
        organization=organization,
        actor=admin,
        values={
            "name": f"{marker} file server",
            "kind": "hardware",
            "owner": admin,
            "description": f"Holds the {marker} shares.",
            "classification": "internal",
            "confidentiality": 3,
            "integrity": 3,
            "availability": 3,
            "criticality": "medium",
            "lifecycle_status": "in_use",
        },
    )
    system = asset_services.asset_create(
        organization=organization,
        actor=admin,
        values={
            "name": f"{marker} triage assistant",
            "kind": "ai_system",
            "owner": admin,
            "classification": "internal",
            "confidentiality": 3,
            "integrity": 3,
            "availability": 3,
            "criticality": "high",
            "lifecycle_status": "in_use",
            "ai_role": "deployer",
            "ai_intended_purpose": f"Ranks {marker} claims.",
            "ai_risk_class": "limited",
            "ai_lifecycle_stage": "operation_monitoring",
            "ai_personal_data": "no",
            "ai_automation_level": "assistance",
            "ai_human_oversight": "in_the_loop",
        },
    )
    relation = asset_services.asset_relation_create(
        organization=organization, actor=admin, source=system, target=server, type="hosted_on"
    )
    control = Control.objects.get(framework__code=ISO27001, reference="5.7")
    risk = risk_services.risk_create(
        organization=organization,
        actor=admin,
        values={
            "title": f"{marker} ransomware",
            "category": "information_security",
            "threat": f"{marker} ransomware",
            "vulnerability": "Unpatched hypervisor",
            "affects_availability": True,
            "owner": admin,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
        },
        assets=[server],
        controls=[control],
    )
    action = risk_services.treatment_action_create(
        risk=risk,
        actor=admin,
        values={"description": f"Patch the {marker} hypervisors", "owner": admin, "due_date": _today()},
    )
    assessment = risk_services.impact_assessment_create(
        organization=organization,
        actor=admin,
        ai_system=system,
        values={"owner": admin, "scope": f"The {marker} triage assistant."},
    )
    impact = risk_services.impact_item_create(
        assessment=assessment,
        actor=admin,
        values={
            "area": "privacy",
            "affected_party": "individuals",
            "description": f"{marker} claimants are misranked",
            "severity": 3,
            "likelihood": 2,
        },
    )
    entries = SoAEntry.objects.for_organization(organization)
    entries.update(applicable=True, exclusion_justification="", implementation_notes=f"{marker} notes")
    version = soa_services.soa_version_approve(
        organization=organization, actor=admin, change_summary=f"{marker} first version"
    )
    entry = entries.get(control=control)
    audit = audit_services.audit_plan(
        organization=organization,
        actor=admin,
        values={
            "title": f"{marker} internal audit",
            "frameworks": [ISO27001, ISO42001],
            "objectives": f"Check the {marker} systems.",
            "planned_start": _today(),
            "planned_end": _today() + datetime.timedelta(days=5),
            "lead_auditor": admin,
        },
        team=[auditor],
    )
    audit = audit_services.audit_start(audit=audit, actor=admin)
    item = audit.items.order_by("pk").first()
    item = audit_services.checklist_item_record(
        item=item, actor=admin, values={"result": "minor_nc", "notes": f"{marker} evidence missing"}
    )
    evidence = audit_services.evidence_file_add(
        item=item,
        actor=admin,
        upload=SimpleUploadedFile(
            f"{marker}.txt", f"{marker} log extract".encode(), content_type="text/plain"
        ),
    )
    finding = audit_services.finding_create(
        item=item, actor=admin, description=f"{marker} logs are not reviewed", severity=Severity.MINOR_NC
    )
    corrective = audit_services.corrective_action_create(
        actor=admin,
        finding=finding,
        values={
            "root_cause": f"{marker} no owner",
            "action": f"Name a {marker} log owner",
            "owner": admin,
            "due_date": _today() + datetime.timedelta(days=30),
        },
    )
    review = audit_services.management_review_create(
        organization=organization,
        actor=admin,
        values={"date": _today(), "attendees": [f"{marker} board"], "decisions": f"{marker} decisions"},
    )
    document = document_services.document_request(
        organization=organization, actor=admin, kind="asset_inventory_xlsx", parameters={}
    )
    world.records = {
        "asset": server,
        "ai_system": system,
        "relation": relation,
        "risk": risk,
        "treatment_action": action,
        "impact_assessment": assessment,
        "impact_item": impact,
        "soa_entry": entry,
        "soa_version": version,
        "audit": audit,
        "checklist_item": item,
        "evidence": evidence,
        "finding": finding,
        "corrective_action": corrective,
        "management_review": review,
        "document": document,
        "audit_pack": audit_pack_request(
            organization=organization, actor=admin, audit=audit, sections=["scope"]
        ),
        "notification": notification_send(
            organization=organization,
            recipient=admin,
            actor=world.members[Role.COMPLIANCE_OFFICER],
            verb="assigned you",
            target_label=f"{marker} ransomware",
            target_url=f"/o/{slug}/risks/{risk.pk}/",
        ),
        "saved_view": saved_view_save(
            organization=organization,
            user=admin,
            register="assets",
            name=f"{marker} servers",
            query="kind=hardware",
        ),
        "api_token": api_token_create(user=admin, name=f"{marker} CMDB sync").token,
        "membership": Membership.objects.get(organization=organization, user=world.members[Role.VIEWER]),
    }
    return world
