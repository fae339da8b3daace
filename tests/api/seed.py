"""An organization with data in every register, made through the services as a user would
(the fuzz run and the page walks start from it)."""

import datetime

from assets.demo import demo_assets_create
from audits import services as audit_services
from controls.models import Control
from documents import services as document_services
from risks.demo import demo_risks_create
from soa import services as soa_services
from soa.models import SoAEntry


def registers_seed(organization, admin) -> None:
    """Data in every register of ``organization``: assets and relations, risks, treatments,
    impact assessments, an approved SoA version, an audit with a finding and an action, a
    management review and a generated document."""
    demo_assets_create(organization=organization, actor=admin)  # assets and their relations
    demo_risks_create(organization=organization, actor=admin)  # risks, treatments, impact assessments
    SoAEntry.objects.for_organization(organization).update(applicable=True, exclusion_justification="")
    SoAEntry.objects.for_organization(organization).filter(
        control=Control.objects.get(framework__code="iso27001-2022", reference="5.7")
    ).update(applicable=False, exclusion_justification="No such activity in scope.")
    soa_services.soa_version_approve(organization=organization, actor=admin, change_summary="First")
    today = datetime.date.today()
    audit = audit_services.audit_plan(
        organization=organization,
        actor=admin,
        values={
            "title": "Internal audit",
            "frameworks": ["iso27001-2022", "iso42001-2023"],
            "planned_start": today,
            "planned_end": today + datetime.timedelta(days=5),
            "lead_auditor": admin,
        },
        team=[],
    )
    audit = audit_services.audit_start(audit=audit, actor=admin)
    item = audit.items.order_by("position").first()
    item = audit_services.checklist_item_record(item=item, actor=admin, values={"result": "major_nc"})
    finding = audit_services.finding_create(item=item, actor=admin, description="No ISMS scope document.")
    audit_services.corrective_action_create(
        actor=admin,
        finding=finding,
        values={
            "root_cause": "Nobody owns it.",
            "action": "Write the scope.",
            "owner": admin,
            "due_date": today + datetime.timedelta(days=30),
        },
    )
    audit_services.management_review_create(organization=organization, actor=admin, values={"date": today})
    document_services.document_request(organization=organization, actor=admin, kind="asset_inventory_xlsx")
