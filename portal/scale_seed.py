"""The scale seed: realistic organizations of any size, the same for the same seed.

``manage.py seed_demo --orgs N --assets N --risks N --seed S`` calls
``scale_seed``. Every record goes through the services that the pages, the API
and the imports use — the bulk ones where a register has them
(``asset_bulk_create``, ``risk_bulk_create``, ``treatment_action_bulk_create``)
— so that each record has its "created" history row naming the organization's
administrator, and what the services refuse is refused here too.

Each organization gets:

- members: an administrator, two compliance officers, three contributors, an
  auditor and a viewer (accounts ``<slug>-admin`` …, one password hash for all);
- the inventory: about one asset in five an AI asset (systems, models, data
  sets, vendor services), each with about one relation to an earlier asset
  (systems use models and are hosted on hardware, models are trained on data
  sets, vendor services are supplied by suppliers, software processes
  information);
- the register: risks of both categories (information security, AI, both)
  linked to one to three assets of their kind and two to four controls of the
  matching catalogue, rated inherent and residual, a few accepted, most of the
  ones being treated with one or two treatment actions;
- impact assessments of up to ``IMPACT_ASSESSMENTS`` AI systems, every other
  one reviewed and signed off;
- a decided Statement of Applicability (when the catalogues are loaded) with
  an approved version 1;
- an internal audit started on that version, some checklist results recorded,
  a minor nonconformity with its finding and a corrective action.

Determinism: names, identifiers, references, ratings and links come from
``random.Random(f"{seed}:{organization number}")`` and the order of creation;
dates are counted from the day of the run.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assets.models import AI_KINDS, AssetKind
from assets.services import AssetDraft, asset_bulk_create
from audits import services as audit_services
from controls.models import Control
from controls.selectors import ISO27001, ISO42001
from core.registers.bulk import BULK_MAX_ITEMS
from core.roles import Role
from organizations import services as organization_services
from organizations.models import Organization
from risks import services as risk_services
from risks.services.bulk import RiskDraft, risk_bulk_create
from soa import services as soa_services
from soa.models import SoAEntry

User = get_user_model()

#: How many AI systems of an organization get an impact assessment.
IMPACT_ASSESSMENTS = 40
#: How many checklist items of the seeded audit get a result.
AUDIT_RESULTS = 25

MEMBERS = [
    ("admin", Role.ADMIN, "Ada", "Admin"),
    ("officer", Role.COMPLIANCE_OFFICER, "Oscar", "Officer"),
    ("officer2", Role.COMPLIANCE_OFFICER, "Olivia", "Ortega"),
    ("contrib1", Role.CONTRIBUTOR, "Carla", "Costa"),
    ("contrib2", Role.CONTRIBUTOR, "Cem", "Celik"),
    ("contrib3", Role.CONTRIBUTOR, "Chloé", "Carré"),
    ("auditor", Role.AUDITOR, "Aud", "Itor"),
    ("viewer", Role.VIEWER, "Vera", "Viewer"),
]

COMPANY_FIRST = ["North", "Blue", "Iron", "Silver", "Harbor", "Cedar", "Summit", "Vertex", "Atlas", "Nova"]
COMPANY_SECOND = ["Mutual", "Logistics", "Health", "Energy", "Retail", "Bank", "Analytics", "Telecom"]
DEPARTMENTS = [
    "Claims",
    "Finance",
    "HR",
    "Sales",
    "Marketing",
    "Procurement",
    "Legal",
    "Customer service",
    "Treasury",
    "Underwriting",
    "Payroll",
    "Logistics",
]
SITES = ["Lyon", "Porto", "Frankfurt", "Dublin", "Madrid", "Warsaw", "Milan", "Rotterdam"]
TAGS = ["pii", "gdpr", "production", "legacy", "vendor", "finance", "hr", "claims", "critical-path", "cloud"]

INFORMATION_NAMES = {
    AssetKind.INFORMATION: ["customer records", "contracts archive", "ledger", "case files", "price lists"],
    AssetKind.SOFTWARE: ["management system", "reporting portal", "workflow app", "CRM", "document store"],
    AssetKind.HARDWARE: ["file server", "database server", "laptop fleet", "firewall", "storage array"],
    AssetKind.SERVICE: ["cloud hosting", "email service", "backup service", "payment gateway", "CDN"],
    AssetKind.PEOPLE: ["team", "on-call rota", "service desk", "analysts"],
    AssetKind.SITE: ["office", "data centre", "warehouse", "branch"],
    AssetKind.SUPPLIER: ["hosting provider", "software vendor", "outsourcer", "payroll provider"],
}
AI_NAMES = {
    AssetKind.AI_SYSTEM: ["triage assistant", "fraud scoring", "chat assistant", "forecasting engine"],
    AssetKind.AI_MODEL: ["classifier", "ranking model", "language model", "anomaly detector"],
    AssetKind.DATASET: ["training set", "evaluation set", "labelled corpus", "feature store extract"],
    AssetKind.AI_SERVICE: ["summarisation API", "translation API", "speech-to-text API", "vision API"],
}
#: Information kinds by weight (the other 20 % are AI kinds, below).
INFORMATION_WEIGHTS = {
    AssetKind.INFORMATION: 22,
    AssetKind.SOFTWARE: 20,
    AssetKind.HARDWARE: 16,
    AssetKind.SERVICE: 10,
    AssetKind.PEOPLE: 6,
    AssetKind.SITE: 3,
    AssetKind.SUPPLIER: 3,
}
AI_WEIGHTS = {AssetKind.AI_SYSTEM: 5, AssetKind.AI_MODEL: 6, AssetKind.DATASET: 7, AssetKind.AI_SERVICE: 2}

THREATS = [
    ("Ransomware", "Unpatched servers"),
    ("Phishing", "No phishing-resistant MFA"),
    ("Insider data theft", "Broad access rights"),
    ("Supplier outage", "Single provider, no exit plan"),
    ("Accidental deletion", "Backups not tested"),
    ("Lost laptop", "Disk encryption not enforced"),
    ("Misconfigured cloud storage", "No configuration review"),
    ("Denial of service", "No upstream filtering"),
]
AI_HARMS = [
    ("fairness_bias", "Outputs disadvantage a group of customers"),
    ("robustness_accuracy_drift", "Accuracy drifts after the input data changes"),
    ("privacy", "Personal data in prompts reaches the vendor"),
    ("model_security", "Prompt injection manipulates the output"),
    ("transparency_explainability", "Customers cannot be told why they were ranked"),
    ("accountability_oversight", "Handlers approve proposals without checking them"),
]


@dataclass
class SeededOrganization:
    organization: Organization
    admin: object
    counts: dict[str, int]


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def scale_seed(
    *,
    orgs: int,
    assets: int,
    risks: int,
    seed: int = 1,
    password: str = "",
    stdout=None,
    slug_prefix: str = "scale",
    first: int = 1,
) -> list[SeededOrganization]:
    """Create ``orgs`` organizations of ``assets`` assets and ``risks`` risks each
    (slugs ``<slug_prefix>-<seed>-<n>``, n from ``first``); an organization whose slug exists
    is left as it is and skipped. ``password`` is every seeded account's (unusable if empty).

    Organization n is the same whatever else is seeded (its random stream is ``seed:n``), so
    ``first=n, orgs=1`` in an empty database gives the n-th organization of a large one alone.
    """
    password_hash = make_password(password) if password else make_password(None)
    seeded = []
    for number in range(first, first + orgs):
        slug = f"{slug_prefix}-{seed}-{number}"
        if Organization.objects.filter(slug=slug).exists():
            _say(stdout, f"  {slug}: exists, skipped")
            continue
        started = timezone.now()
        result = _organization_seed(
            slug=slug,
            rng=random.Random(f"{seed}:{number}"),
            assets=assets,
            risks=risks,
            password_hash=password_hash,
            say=lambda message, slug=slug: _say(stdout, f"  {slug}: {message}"),
        )
        seconds = (timezone.now() - started).total_seconds()
        _say(stdout, f"  {slug}: done in {seconds:.1f} s — {result.counts}")
        seeded.append(result)
    return seeded


@transaction.atomic
def _organization_seed(
    *, slug: str, rng: random.Random, assets: int, risks: int, password_hash: str, say: Callable
) -> SeededOrganization:
    name = f"{rng.choice(COMPANY_FIRST)} {rng.choice(COMPANY_SECOND)} ({slug})"
    people = {}
    for key, role, first, last in MEMBERS:
        user, _ = User.objects.get_or_create(
            username=f"{slug}-{key}",
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{key}@{slug}.example",
                "password": password_hash,
            },
        )
        people[key] = (user, role)
    admin = people["admin"][0]
    organization = organization_services.organization_create(
        name=name, slug=slug, description="A seeded organization for scale tests.", creator=admin
    )
    for key, (user, role) in people.items():
        if key != "admin":
            organization_services.membership_add(organization=organization, actor=admin, user=user, role=role)
    owners = [people[k][0] for k in ("admin", "officer", "officer2", "contrib1", "contrib2", "contrib3")]

    created_assets = _assets_seed(organization, admin, owners, rng, assets)
    say(f"{len(created_assets)} assets")
    created_risks, action_count = _risks_seed(organization, admin, owners, rng, risks, created_assets)
    say(f"{len(created_risks)} risks, {action_count} treatment actions")
    assessments = _impact_seed(organization, admin, people["officer"][0], rng, created_assets)
    version = _soa_seed(organization, admin, owners, rng)
    audit = _audit_seed(organization, admin, people["auditor"][0], version) if version else None
    counts = {
        "assets": len(created_assets),
        "risks": len(created_risks),
        "treatment actions": action_count,
        "impact assessments": assessments,
        "SoA version": version.number if version else 0,
        "audits": 1 if audit else 0,
    }
    return SeededOrganization(organization=organization, admin=admin, counts=counts)


# --- Inventory ----------------------------------------------------------------


def _asset_values(rng: random.Random, kind: str, number: int, owner) -> dict:
    department = rng.choice(DEPARTMENTS)
    site = rng.choice(SITES)
    names = AI_NAMES.get(kind) or INFORMATION_NAMES[kind]
    noun = rng.choice(names)
    ratings = [rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 4, 3, 1])[0] for _ in range(3)]
    values = {
        "identifier": f"AST-{number:05d}",
        "name": f"{department} {noun} {site} {number}",
        "kind": kind,
        "owner": owner,
        "description": f"{noun.capitalize()} of the {department.lower()} department, {site}.",
        "location": f"{site}" if kind not in (AssetKind.PEOPLE, AssetKind.SUPPLIER) else "",
        "classification": rng.choice(["public", "internal", "internal", "confidential", "restricted"]),
        "confidentiality": ratings[0],
        "integrity": ratings[1],
        "availability": ratings[2],
        "lifecycle_status": rng.choices(
            ["planned", "in_use", "being_retired", "retired"], weights=[1, 12, 1, 1]
        )[0],
        "tags": sorted(rng.sample(TAGS, rng.randint(0, 3))),
    }
    if kind == AssetKind.AI_SYSTEM:
        values.update(
            ai_role=rng.choice(["deployer", "provider"]),
            ai_intended_purpose=f"Helps the {department.lower()} team with {noun}; a person decides.",
            ai_risk_class=rng.choice(["high", "limited", "limited", "minimal"]),
            ai_lifecycle_stage=rng.choice(["development", "deployment", "operation_monitoring"]),
            ai_personal_data=rng.choice(["yes", "no"]),
            ai_automation_level=rng.choice(["assistance", "partial", "conditional"]),
            ai_human_oversight=rng.choice(["in_the_loop", "on_the_loop", "in_command"]),
        )
    elif kind == AssetKind.AI_MODEL:
        values.update(
            ai_role=rng.choice(["producer", "provider"]),
            ai_model_type=rng.choice(["classification", "regression", "language_model", "clustering"]),
            ai_version=f"{rng.randint(1, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
            ai_lifecycle_stage=rng.choice(["development", "verification_validation", "operation_monitoring"]),
        )
    elif kind == AssetKind.DATASET:
        values.update(
            ai_data_provenance=f"Exported from the {department.lower()} systems and pseudonymised.",
            ai_data_licence=rng.choice(["Internal", "CC BY 4.0", "Vendor licence"]),
            ai_personal_data=rng.choice(["yes", "no", "unknown"]),
        )
    elif kind == AssetKind.AI_SERVICE:
        values.update(
            ai_vendor=f"{rng.choice(COMPANY_FIRST)} AI",
            ai_role="user",
            ai_intended_purpose=f"{noun.capitalize()} for the {department.lower()} team.",
            ai_personal_data=rng.choice(["yes", "no"]),
        )
    return values


#: Relations an asset of a kind starts from: (type, kinds its target may be).
RELATIONS_FROM = {
    AssetKind.AI_SYSTEM: [
        ("uses", (AssetKind.AI_MODEL, AssetKind.AI_SERVICE)),
        ("hosted_on", (AssetKind.HARDWARE, AssetKind.SERVICE)),
    ],
    AssetKind.AI_MODEL: [("trained_on", (AssetKind.DATASET,))],
    AssetKind.AI_SERVICE: [("supplied_by", (AssetKind.SUPPLIER,))],
    AssetKind.DATASET: [("processes", (AssetKind.INFORMATION,))],
    AssetKind.SOFTWARE: [
        ("processes", (AssetKind.INFORMATION,)),
        ("hosted_on", (AssetKind.HARDWARE, AssetKind.SERVICE)),
    ],
    AssetKind.SERVICE: [("supplied_by", (AssetKind.SUPPLIER,))],
    AssetKind.INFORMATION: [],
    AssetKind.HARDWARE: [("hosted_on", (AssetKind.SITE,))],
    AssetKind.PEOPLE: [("uses", (AssetKind.SOFTWARE,))],
    AssetKind.SITE: [],
    AssetKind.SUPPLIER: [],
}


def _assets_seed(organization, admin, owners, rng: random.Random, count: int) -> list:
    drafts: list[AssetDraft] = []
    by_kind: dict[str, list[str]] = {}
    for number in range(1, count + 1):
        kind = _weighted(rng, AI_WEIGHTS) if rng.random() < 0.2 else _weighted(rng, INFORMATION_WEIGHTS)
        values = _asset_values(rng, kind, number, rng.choice(owners))
        relations = []
        for relation_type, target_kinds in RELATIONS_FROM[kind]:
            # Only to earlier assets, so that a target is in the same batch or an earlier one.
            candidates = [k for k in target_kinds if by_kind.get(k)]
            if candidates and rng.random() < 0.75:
                pool = by_kind[rng.choice(candidates)]
                relations.append((relation_type, pool[rng.randrange(max(0, len(pool) - 200), len(pool))]))
        drafts.append(AssetDraft(values=values, relations=relations))
        by_kind.setdefault(kind, []).append(values["identifier"])
    created = []
    for start in range(0, len(drafts), BULK_MAX_ITEMS):
        created += asset_bulk_create(
            organization=organization,
            actor=admin,
            drafts=drafts[start : start + BULK_MAX_ITEMS],
            reason="Seeded",
        )
    return created


# --- Register -----------------------------------------------------------------


def _controls() -> dict[str, list[Control]]:
    controls = Control.objects.filter(framework__code__in=(ISO27001, ISO42001)).select_related("framework")
    found: dict[str, list[Control]] = {ISO27001: [], ISO42001: []}
    for control in controls.order_by("framework__code", "order", "pk"):
        found[control.framework.code].append(control)
    return found


def _risks_seed(
    organization, admin, owners, rng: random.Random, count: int, assets: list
) -> tuple[list, int]:
    info_assets = [a for a in assets if a.kind not in AI_KINDS] or assets
    ai_assets = [a for a in assets if a.kind in AI_KINDS] or assets
    controls = _controls()
    today = timezone.localdate()
    drafts: list[RiskDraft] = []
    treated: list[bool] = []
    for _ in range(count):
        category = rng.choices(["information_security", "ai", "both"], weights=[60, 25, 15])[0]
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        values = {
            "category": category,
            "owner": rng.choice(owners),
            "inherent_likelihood": likelihood,
            "inherent_impact": impact,
            "next_review_date": today + datetime.timedelta(days=rng.randint(-60, 330)),
        }
        frameworks = []
        if category != "ai":
            threat, vulnerability = rng.choice(THREATS)
            values.update(
                threat=threat,
                vulnerability=vulnerability,
                affects_confidentiality=rng.random() < 0.6,
                affects_integrity=rng.random() < 0.5,
                affects_availability=rng.random() < 0.4,
            )
            if not (values["affects_integrity"] or values["affects_availability"]):
                values["affects_confidentiality"] = True
            frameworks.append(ISO27001)
        if category != "information_security":
            harm, what = rng.choice(AI_HARMS)
            values["ai_harm_area"] = harm
            frameworks.append(ISO42001)
        pool = ai_assets if category == "ai" else info_assets
        linked = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        subject = linked[0].name if linked else organization.name
        values["title"] = (
            f"{values['threat']} affects {subject}" if category != "ai" else f"{what}: {subject}"
        )[:200]
        values["description"] = f"Seeded risk to {subject}."
        status = rng.choices(["identified", "assessed", "treat", "accepted"], weights=[20, 30, 45, 5])[0]
        justification = ""
        if status == "accepted":
            values.update(status="accepted", treatment="retain")
            justification = "Within what the organization accepts for this asset; reviewed at the next audit."
        elif status != "identified":
            values["treatment"] = rng.choices(["modify", "share", "avoid"], weights=[8, 1, 1])[0]
            values["residual_likelihood"] = max(1, likelihood - rng.randint(0, 2))
            values["residual_impact"] = max(1, impact - rng.randint(0, 1))
            values["status"] = "assessed"
        available = [c for code in frameworks for c in controls[code]]
        chosen = (
            rng.sample(available, min(len(available), rng.randint(2, 4))) if status != "identified" else []
        )
        drafts.append(
            RiskDraft(values=values, assets=linked, controls=chosen, acceptance_justification=justification)
        )
        treated.append(status == "treat")
    created = []
    for start in range(0, len(drafts), BULK_MAX_ITEMS):
        created += risk_bulk_create(
            organization=organization,
            actor=admin,
            drafts=drafts[start : start + BULK_MAX_ITEMS],
            reason="Seeded",
        )
    actions = []
    for risk, treat in zip(created, treated, strict=True):
        if not treat:
            continue
        for step in range(rng.choice([1, 1, 2])):
            actions.append(
                risk_services.ActionDraft(
                    risk=risk,
                    values={
                        "description": f"Step {step + 1} of the treatment of {risk.reference}: "
                        f"{rng.choice(['patch', 'restrict access to', 'monitor', 'document', 'test'])} "
                        f"what the risk names.",
                        "owner": risk.owner,
                        "due_date": today + datetime.timedelta(days=rng.randint(-30, 120)),
                        "status": rng.choices(["open", "in_progress", "done"], weights=[5, 3, 2])[0],
                    },
                )
            )
    action_count = 0
    for start in range(0, len(actions), BULK_MAX_ITEMS):
        action_count += len(
            risk_services.treatment_action_bulk_create(
                organization=organization,
                actor=admin,
                drafts=actions[start : start + BULK_MAX_ITEMS],
                reason="Seeded",
            )
        )
    return created, action_count


# --- Impact assessments -------------------------------------------------------


IMPACTS = [
    ("fairness", "groups", "Some customers wait longer because the system ranks them lower.", 4, 3),
    ("privacy", "individuals", "Personal details reach a processor outside the stated purpose.", 4, 2),
    ("economic", "individuals", "An urgent case is handled as routine and a payment is late.", 3, 2),
    ("environment", "society", "Inference adds to the data centre's energy use.", 1, 5),
]


def _impact_seed(organization, admin, reviewer, rng: random.Random, assets: list) -> int:
    systems = [a for a in assets if a.kind == AssetKind.AI_SYSTEM][:IMPACT_ASSESSMENTS]
    for position, system in enumerate(systems):
        assessment = risk_services.impact_assessment_create(
            organization=organization,
            actor=admin,
            ai_system=system,
            values={
                "owner": admin,
                "scope": f"{system.name} as deployed: who it affects and how.",
                "summary": "Acceptable with the mitigations listed; reassess on retraining.",
            },
        )
        for area, party, description, severity, likelihood in rng.sample(IMPACTS, rng.randint(2, 3)):
            risk_services.impact_item_create(
                assessment=assessment,
                actor=admin,
                values={
                    "area": area,
                    "affected_party": party,
                    "description": description,
                    "severity": severity,
                    "likelihood": likelihood,
                    "mitigation": "Monitored monthly; a person can override every output.",
                },
            )
        if position % 2 == 0:
            risk_services.impact_reviewers_set(assessment=assessment, actor=admin, users=[reviewer])
            risk_services.impact_review_record(
                assessment=assessment, actor=reviewer, comment="Checked the impacts against the system's use."
            )
            risk_services.impact_assessment_sign_off(assessment=assessment, actor=admin, note="Signed off.")
    return len(systems)


# --- Statement of Applicability and audit -------------------------------------


def _soa_seed(organization, admin, owners, rng: random.Random):
    entries = list(SoAEntry.objects.for_organization(organization).order_by("pk"))
    if not entries:
        return None  # the catalogues are not loaded: no SoA rows to decide
    changes = []
    for entry in entries:
        applicable = rng.random() > 0.08
        change = {
            "id": entry.pk,
            "applicable": applicable,
            "status": rng.choices(["implemented", "partial", "planned", "not_started"], weights=[6, 2, 1, 1])[
                0
            ]
            if applicable
            else "not_started",
            "owner": rng.choice(owners),
        }
        if not applicable:
            change["exclusion_justification"] = "No such activity within the scope of the management system."
        elif rng.random() < 0.3:
            change["reasons"] = [{"kind": "legal_regulatory", "note": "Required by the data protection law."}]
        changes.append(change)
    soa_services.soa_bulk_update(organization=organization, actor=admin, changes=changes, reason="Seeded")
    return soa_services.soa_version_approve(
        organization=organization, actor=admin, change_summary="First approved Statement of Applicability."
    )


def _audit_seed(organization, admin, auditor, version):
    today = timezone.localdate()
    audit = audit_services.audit_plan(
        organization=organization,
        actor=admin,
        values={
            "title": f"Internal audit {today.year}",
            "frameworks": [ISO27001, ISO42001],
            "planned_start": today,
            "planned_end": today + datetime.timedelta(days=10),
            "lead_auditor": admin,
        },
        team=[auditor],
    )
    audit = audit_services.audit_start(audit=audit, actor=admin, soa_version=version)
    items = list(audit.items.order_by("position")[:AUDIT_RESULTS])
    for index, item in enumerate(items):
        result = "minor_nc" if index == 3 else "conforming"
        audit_services.checklist_item_record(
            item=item, actor=auditor, values={"result": result, "notes": "Sampled during fieldwork."}
        )
        if result == "minor_nc":
            finding = audit_services.finding_create(
                item=item, actor=auditor, description="The procedure is followed but not reviewed yearly."
            )
            audit_services.corrective_action_create(
                actor=admin,
                finding=finding,
                values={
                    "root_cause": "No owner for the yearly review.",
                    "action": "Name an owner and put the yearly review in the calendar.",
                    "owner": admin,
                    "due_date": today + datetime.timedelta(days=30),
                },
            )
    return audit
