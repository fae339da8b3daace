"""The demo register of the insurer from ``assets.demo``: the impact assessment
of its claims-triage assistant, the AI risks it raises, and the information
security risks of the inference cluster the assistant runs on — treated with
controls of both standards, one of them accepted."""

import datetime

from django.db import transaction
from django.utils import timezone

from assets.models import Asset
from core.types import Actor
from organizations.models import Organization

from . import selectors, services
from .models import ImpactAssessment, Risk

AI_SYSTEM = "AST-0001"
SUMMARISER = "AST-0005"
CLUSTER = "AST-0004"
TRAINING_SET = "AST-0003"

ASSESSMENT = {
    "scope": (
        "The claims triage assistant as deployed in the claims platform: it reads every new motor and home "
        "claim, proposes a priority and routes the claim to a handler team. Handlers see the proposal and "
        "decide. Covers claimants, third parties named in claims and the handlers themselves."
    ),
    "summary": (
        "Acceptable with the mitigations listed. The main impacts are unequal waiting times for claimants "
        "who write in a second language, and health details reaching the vendor summarisation service. "
        "Both are in the risk register and treated; reassess when the model is retrained."
    ),
}

IMPACTS = [
    {
        "key": "fairness",
        "values": {
            "area": "fairness",
            "affected_party": "groups",
            "affected_detail": "claimants who write in a second language or use non-standard forms",
            "description": "Claims written in non-standard language are ranked lower and wait longer for a "
            "handler, so these claimants are paid later than others with the same claim.",
            "severity": 4,
            "likelihood": 3,
            "mitigation": "Monthly fairness report of waiting times by language group; handlers see why the "
            "model ranked a claim and can raise its priority.",
        },
    },
    {
        "key": "privacy",
        "values": {
            "area": "privacy",
            "affected_party": "individuals",
            "affected_detail": "policyholders and third parties named in claims",
            "description": "Medical reports attached to injury claims reach the vendor summarisation "
            "service, outside the purposes claimants were told about.",
            "severity": 4,
            "likelihood": 2,
            "mitigation": "Redact health details before sending attachments; data processing agreement "
            "with the vendor forbids training on our data.",
        },
    },
    {
        "key": "economic",
        "values": {
            "area": "economic",
            "affected_party": "individuals",
            "affected_detail": "claimants in financial hardship",
            "description": "An urgent claim ranked as routine delays an emergency payment by days.",
            "severity": 3,
            "likelihood": 2,
            "mitigation": "Keywords for hardship always route to the urgent queue; daily sample check.",
        },
    },
    {
        "key": "environment",
        "values": {
            "area": "environment",
            "affected_party": "society",
            "affected_detail": "",
            "description": "GPU inference adds to the energy use of the data centre.",
            "severity": 1,
            "likelihood": 5,
            "mitigation": "Batch inference every five minutes on a region running on renewable power.",
        },
    },
]

#: What the demo does with the risks raised from impacts: treatment, controls, residual, actions.
RAISED_TREATMENT = {
    "fairness": {
        "values": {
            "treatment": "modify",
            "residual_likelihood": 2,
            "residual_impact": 3,
            "residual_rationale": "Fairness monitoring catches drift within a month; handlers can override.",
            "status": "in_treatment",
        },
        "controls": ["ISO42001:A.7.4", "ISO42001:A.6.2.4", "ISO42001:A.6.2.6", "ISO27001:8.16"],
        "actions": [
            ("Publish the monthly fairness report of waiting times by language group", -12, "open"),
            ("Add multilingual claims to the validation set", 20, "in_progress"),
        ],
    },
    "privacy": {
        "values": {
            "category": "both",
            "threat": "Disclosure of health data to a processor",
            "vulnerability": "Attachments are sent unredacted",
            "affects_confidentiality": True,
            "treatment": "modify",
            "residual_likelihood": 1,
            "residual_impact": 4,
            "status": "in_treatment",
        },
        "controls": ["ISO27001:5.34", "ISO27001:8.11", "ISO42001:A.10.3", "ISO42001:A.7.5"],
        "actions": [("Switch on redaction of health details before summarisation", 14, "open")],
    },
}

RISKS = [
    {
        "title": "Prompt injection in claim attachments manipulates summaries",
        "assets": [SUMMARISER, AI_SYSTEM],
        "controls": ["ISO42001:A.6.2.8", "ISO42001:A.10.3", "ISO27001:8.28", "ISO27001:5.21"],
        "values": {
            "description": "A document crafted by a fraudster carries hidden instructions that make the "
            "vendor model leave facts out of the summary a handler relies on.",
            "category": "both",
            "threat": "Fraudulent claimant",
            "vulnerability": "Summaries are generated from untrusted documents",
            "affects_integrity": True,
            "ai_harm_area": "model_security",
            "inherent_likelihood": 3,
            "inherent_impact": 4,
            "treatment": "modify",
            "treatment_plan": "Handlers read the source before deciding; summaries are logged with their "
            "inputs; the vendor's injection filters are switched on.",
            "residual_likelihood": 2,
            "residual_impact": 3,
            "status": "in_treatment",
        },
        "actions": [("Log every summary with its source document hash", -5, "open")],
    },
    {
        "title": "Ransomware encrypts the ML inference cluster",
        "assets": [CLUSTER, AI_SYSTEM],
        "controls": ["ISO27001:8.7", "ISO27001:8.8", "ISO27001:8.13", "ISO42001:A.4.5"],
        "values": {
            "description": "Malware reaching a node encrypts model files and the serving configuration; "
            "claims triage stops until the cluster is rebuilt.",
            "category": "information_security",
            "threat": "Ransomware",
            "vulnerability": "Node images patched only quarterly",
            "affects_integrity": True,
            "affects_availability": True,
            "inherent_likelihood": 4,
            "inherent_impact": 5,
            "treatment": "modify",
            "treatment_plan": "Monthly node image rebuilds, EDR on every node, immutable daily backups of "
            "models and configuration, tested restore.",
            "residual_likelihood": 2,
            "residual_impact": 3,
            "status": "in_treatment",
        },
        "actions": [
            ("Rebuild node images monthly from the hardened baseline", -20, "in_progress"),
            ("Test restoring the cluster from the immutable backup", 30, "open"),
        ],
    },
    {
        "title": "Theft of the triage model's weights from the cluster",
        "assets": [CLUSTER, "AST-0002"],
        "controls": ["ISO27001:8.2", "ISO27001:8.5", "ISO27001:8.24", "ISO42001:A.4.2"],
        "values": {
            "description": "An attacker with an administrator's credentials copies the model weights and "
            "the feature pipeline, and with them insight into our claims data.",
            "category": "both",
            "threat": "Compromised administrator account",
            "vulnerability": "Shared administrator credentials on the cluster",
            "affects_confidentiality": True,
            "ai_harm_area": "model_security",
            "inherent_likelihood": 2,
            "inherent_impact": 4,
            "treatment": "modify",
            "residual_likelihood": 1,
            "residual_impact": 3,
            "status": "assessed",
        },
        "actions": [("Replace shared cluster admin accounts with personal ones and MFA", 10, "open")],
    },
    {
        "title": "GPU node failure slows claims triage",
        "assets": [CLUSTER],
        "controls": ["ISO27001:8.14"],
        "values": {
            "description": "A GPU node fails; triage runs on the remaining nodes at half speed until the "
            "vendor replaces it. Handlers keep working from the unranked queue.",
            "category": "information_security",
            "threat": "Hardware failure",
            "vulnerability": "Only one spare GPU node",
            "affects_availability": True,
            "inherent_likelihood": 3,
            "inherent_impact": 2,
            "treatment": "retain",
            "treatment_plan": "Retained: the unranked queue is the fallback; the support contract replaces a "
            "node within two working days.",
        },
        "accept": "Within appetite: the unranked queue keeps claims moving. Review at the hardware refresh.",
    },
    {
        "title": "Training data exposed through cluster debug logs",
        "assets": [CLUSTER, TRAINING_SET],
        "controls": ["ISO27001:8.15", "ISO27001:8.12", "ISO42001:A.7.6"],
        "values": {
            "description": "Debug logging during retraining writes pseudonymised claim records to log "
            "storage that more people can read than the data lake.",
            "category": "information_security",
            "threat": "Curious insider",
            "vulnerability": "Debug logging enabled in training jobs",
            "affects_confidentiality": True,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
            "treatment": "modify",
            "status": "assessed",
        },
    },
]


@transaction.atomic
def demo_risks_create(*, organization: Organization, actor: Actor) -> list[Risk]:
    """Create the demo register in ``organization`` on top of the demo
    inventory (``assets.demo``); a second call adds only what is missing.
    Returns the risks it created."""
    assets = {a.identifier: a for a in Asset.objects.for_organization(organization)}
    if AI_SYSTEM not in assets or CLUSTER not in assets:
        return []
    today = timezone.localdate()
    existing_titles = set(Risk.objects.for_organization(organization).values_list("title", flat=True))
    created: list[Risk] = []

    assessment = (
        ImpactAssessment.objects.for_organization(organization).filter(ai_system=assets[AI_SYSTEM]).first()
    )
    if assessment is None:
        assessment = services.impact_assessment_create(
            organization=organization,
            actor=actor,
            ai_system=assets[AI_SYSTEM],
            values={"owner": actor, **ASSESSMENT},
        )
        for impact in IMPACTS:
            services.impact_item_create(assessment=assessment, actor=actor, values=impact["values"])
        services.impact_reviewers_set(assessment=assessment, actor=actor, users=[actor])
        services.impact_review_record(
            assessment=assessment,
            actor=actor,
            comment="Checked the impacts against the handler interviews and the fairness report of May.",
        )
        services.impact_assessment_sign_off(
            assessment=assessment, actor=actor, note="Signed off for the current production model, v3.2.0."
        )
    for item in assessment.items.filter(risk__isnull=True).order_by("id"):
        key = next((i["key"] for i in IMPACTS if i["values"]["description"] == item.description), None)
        if key not in RAISED_TREATMENT:
            continue
        plan = RAISED_TREATMENT[key]
        risk = services.impact_item_raise_risk(item=item, actor=actor)
        risk = services.risk_update(
            risk=risk,
            actor=actor,
            values=plan["values"],
            controls=_controls(plan["controls"]),
        )
        _actions(risk, actor, plan["actions"], today)
        created.append(risk)

    for spec in RISKS:
        if spec["title"] in existing_titles:
            continue
        risk = services.risk_create(
            organization=organization,
            actor=actor,
            values={"title": spec["title"], "owner": actor, **spec["values"]},
            assets=[assets[i] for i in spec["assets"] if i in assets],
            controls=_controls(spec["controls"]),
            reason="Demo register",
        )
        _actions(risk, actor, spec.get("actions", []), today)
        if "accept" in spec:
            services.risk_accept(risk=risk, actor=actor, justification=spec["accept"])
        created.append(risk)
    # Make sure the register shows the methodology it is rated on.
    selectors.methodology_for(organization)
    return created


def _controls(labels: list[str]):
    found, _unknown = selectors.controls_by_label(labels)
    return [found[label] for label in labels if label in found]


def _actions(risk: Risk, actor: Actor, actions, today: datetime.date) -> None:
    for description, days, status in actions:
        action = services.treatment_action_create(
            risk=risk,
            actor=actor,
            values={
                "description": description,
                "owner": actor,
                "due_date": today + datetime.timedelta(days=days),
            },
        )
        if status != "open":
            services.treatment_action_update(action=action, actor=actor, values={"status": status})
