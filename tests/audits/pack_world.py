"""An organization with something in every section of the audit pack, and a rival one whose data
must appear nowhere in Acme's pack."""

import datetime

from audits import services
from controls.models import Control
from risks.models import RiskControl
from risks.services import impact as impact_services
from tests.factories import AISystemFactory, AssetFactory, RiskFactory

from .conftest import approve_soa, plan

TODAY = datetime.date.today()


def acme_registers(acme, alice) -> dict:
    """Acme's registers: risks treated by controls, assets with an AI system and its impact
    assessment (what a journey that plans its own audit finds in the pack)."""
    server = AssetFactory(
        organization=acme, owner=alice, name="Claims database server", identifier="ACME-SRV-1"
    )
    triage = AISystemFactory(
        organization=acme,
        owner=alice,
        name="Claims triage assistant",
        identifier="ACME-AI-1",
        ai_vendor="Acme Labs",
        ai_intended_purpose="Ranks incoming claims for handlers.",
    )
    risk = RiskFactory(organization=acme, owner=alice, title="Ransomware on the claims database")
    ai_risk = RiskFactory(
        organization=acme, owner=alice, title="Biased triage of claims", category="ai", inherent_likelihood=4
    )
    for r, reference in ((risk, "8.7"), (ai_risk, "A.6.2.4")):
        RiskControl.objects.create(
            organization=acme, risk=r, control=Control.objects.get(reference=reference)
        )
    assessment = impact_services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=triage,
        values={"owner": alice, "scope": "Claims triage for motor insurance.", "summary": "Acceptable."},
    )
    impact_services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": "fairness",
            "affected_party": "individuals",
            "description": "Claimants writing in a second language ranked lower.",
            "severity": 3,
            "likelihood": 2,
            "mitigation": "Language-neutral features only.",
        },
    )
    return {"risks": [risk, ai_risk], "assets": [server, triage]}


def acme_world(acme, alice, audrey, carol):
    """Acme: a started combined audit with results, a finding with a verified action, risks treated
    by controls, assets with an AI system and its impact assessment."""
    registers = acme_registers(acme, alice)
    version = approve_soa(acme, alice)
    audit = plan(
        acme, alice, team=[audrey], title="Combined ISMS and AIMS audit", objectives="Check both systems."
    )
    audit = services.audit_start(audit=audit, actor=alice)
    items = list(audit.items.order_by("position"))
    for item in items[1:]:
        services.checklist_item_record(
            item=item, actor=audrey, values={"result": "conforming", "notes": "Seen in operation."}
        )
    nc = services.checklist_item_record(
        item=items[0],
        actor=audrey,
        values={"result": "major_nc", "notes": "No documented scope.", "evidence": "Interview with the CISO"},
    )
    finding = services.finding_create(item=nc, actor=audrey, description="The ISMS scope is not documented.")
    action = services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={
            "root_cause": "Nobody owned the scope.",
            "action": "Write and approve the scope statement.",
            "owner": carol,
            "due_date": TODAY + datetime.timedelta(days=30),
        },
    )
    services.corrective_action_update(action=action, actor=carol, values={"status": "done"})
    services.corrective_action_verify(
        action=action, actor=audrey, result="effective", notes="Scope approved."
    )
    return {
        "audit": audit,
        "version": version,
        **registers,
        "finding": finding,
        "action": action,
    }


def globex_world(globex, charlie):
    """Globex: names that must never show in Acme's pack."""
    AssetFactory(organization=globex, owner=charlie, name="Globex orbital mainframe", identifier="GLX-SRV-9")
    RiskFactory(organization=globex, owner=charlie, title="Globex reactor meltdown")
    approve_soa(globex, charlie)
    audit = plan(globex, charlie, title="Globex secret audit")
    return services.audit_start(audit=audit, actor=charlie)
