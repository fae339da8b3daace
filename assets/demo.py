"""A small, realistic inventory for the demo organization of an insurer that
runs an AI claims-triage assistant."""

from core.types import Actor
from organizations.models import Organization

from . import selectors
from .models import Asset
from .services import AssetDraft, asset_bulk_create

DEMO_ASSETS: list[dict] = [
    {
        "identifier": "AST-0001",
        "name": "Claims triage assistant",
        "kind": "ai_system",
        "description": "Reads incoming motor and home claims, proposes a priority and routes them "
        "to a handler team.",
        "location": "Claims platform, EU-West",
        "classification": "confidential",
        "confidentiality": 4,
        "integrity": 4,
        "availability": 3,
        "lifecycle_status": "in_use",
        "tags": ["claims", "pii", "production"],
        "ai_role": "deployer",
        "ai_intended_purpose": "Prioritise and route new claims for human handlers. Not for deciding "
        "whether a claim is paid or for detecting fraud.",
        "ai_personal_data": "yes",
        "ai_automation_level": "partial",
        "ai_human_oversight": "in_the_loop",
        "ai_risk_class": "limited",
        "ai_lifecycle_stage": "operation_monitoring",
        "relations": [("uses", "AST-0002"), ("hosted_on", "AST-0004"), ("processes", "AST-0006")],
    },
    {
        "identifier": "AST-0002",
        "name": "Claims triage model v3",
        "kind": "ai_model",
        "description": "Gradient-boosted classifier over claim text embeddings and structured claim fields.",
        "classification": "confidential",
        "confidentiality": 4,
        "integrity": 4,
        "availability": 3,
        "tags": ["claims", "ml"],
        "ai_role": "producer",
        "ai_model_type": "classification",
        "ai_version": "3.2.0",
        "ai_lifecycle_stage": "operation_monitoring",
        "relations": [("trained_on", "AST-0003"), ("hosted_on", "AST-0004")],
    },
    {
        "identifier": "AST-0003",
        "name": "Historical claims training set 2019 to 2024",
        "kind": "dataset",
        "description": "Pseudonymised closed claims with their final priority, used to train and test "
        "the triage model.",
        "location": "Data lake, curated zone",
        "classification": "restricted",
        "confidentiality": 5,
        "integrity": 4,
        "availability": 2,
        "tags": ["claims", "pii", "training-data"],
        "ai_data_provenance": "Exported from the claims system; pseudonymised by the data team; "
        "sampled by product line and year.",
        "ai_data_licence": "Internal — customer contracts and privacy notice",
        "ai_personal_data": "yes",
    },
    {
        "identifier": "AST-0004",
        "name": "ML inference cluster",
        "kind": "hardware",
        "description": "Kubernetes node pool with GPUs that serves the production models.",
        "location": "Data centre Frankfurt, rack C12",
        "classification": "internal",
        "confidentiality": 3,
        "integrity": 4,
        "availability": 4,
        "tags": ["infrastructure", "production"],
    },
    {
        "identifier": "AST-0005",
        "name": "Document summarisation API",
        "kind": "ai_service",
        "description": "Vendor large-language-model service that summarises claim attachments for handlers.",
        "classification": "confidential",
        "confidentiality": 4,
        "integrity": 3,
        "availability": 3,
        "tags": ["claims", "vendor", "llm"],
        "ai_role": "user",
        "ai_model_type": "language_model",
        "ai_vendor": "Example AI Ltd.",
        "ai_version": "2025-06",
        "ai_intended_purpose": "Summarise long claim attachments; handlers read the source before deciding.",
        "ai_personal_data": "yes",
        "ai_human_oversight": "in_the_loop",
        "ai_risk_class": "limited",
        "relations": [("supplied_by", "AST-0012")],
    },
    {
        "identifier": "AST-0006",
        "name": "Customer claims records",
        "kind": "information",
        "description": "Claims, policyholder details and correspondence.",
        "location": "Claims management system",
        "classification": "restricted",
        "confidentiality": 5,
        "integrity": 5,
        "availability": 4,
        "tags": ["claims", "pii", "gdpr"],
    },
    {
        "identifier": "AST-0007",
        "name": "Claims management system",
        "kind": "software",
        "description": "Core system where claims are registered, handled and paid.",
        "location": "EU-West cloud tenant",
        "classification": "confidential",
        "confidentiality": 4,
        "integrity": 5,
        "availability": 5,
        "tags": ["claims", "production"],
        "relations": [("processes", "AST-0006"), ("hosted_on", "AST-0008")],
    },
    {
        "identifier": "AST-0008",
        "name": "Cloud hosting (EU-West)",
        "kind": "service",
        "description": "Infrastructure-as-a-service tenant hosting the claims platform.",
        "location": "EU-West region",
        "classification": "internal",
        "confidentiality": 3,
        "integrity": 4,
        "availability": 5,
        "tags": ["infrastructure", "vendor"],
        "relations": [("supplied_by", "AST-0012")],
    },
    {
        "identifier": "AST-0009",
        "name": "Claims handling team",
        "kind": "people",
        "description": "Handlers who review the assistant's proposals and decide on every claim.",
        "location": "Lyon and Porto offices",
        "classification": "internal",
        "confidentiality": 3,
        "integrity": 3,
        "availability": 3,
        "tags": ["claims"],
    },
    {
        "identifier": "AST-0010",
        "name": "Head office, Lyon",
        "kind": "site",
        "description": "Main office with the on-premises network room.",
        "location": "Lyon, France",
        "classification": "internal",
        "confidentiality": 2,
        "integrity": 2,
        "availability": 3,
        "tags": ["facilities"],
    },
    {
        "identifier": "AST-0011",
        "name": "Data platform team",
        "kind": "people",
        "description": "Curates and pseudonymises the data sets used for analytics and model training.",
        "classification": "internal",
        "confidentiality": 3,
        "integrity": 3,
        "availability": 2,
        "tags": ["data"],
        "relations": [("processes", "AST-0003")],
    },
    {
        "identifier": "AST-0012",
        "name": "Example Cloud Services SA",
        "kind": "supplier",
        "description": "Cloud and AI services provider under a data processing agreement.",
        "classification": "internal",
        "confidentiality": 3,
        "integrity": 3,
        "availability": 4,
        "tags": ["vendor", "dpa"],
    },
    {
        "identifier": "AST-0013",
        "name": "Legacy fax gateway",
        "kind": "hardware",
        "description": "Receives faxed claim forms; being replaced by the upload portal.",
        "location": "Head office, Lyon",
        "classification": "internal",
        "confidentiality": 3,
        "integrity": 2,
        "availability": 2,
        "lifecycle_status": "being_retired",
        "tags": ["legacy"],
    },
]


def demo_assets_create(*, organization: Organization, actor: Actor) -> list[Asset]:
    """Create the demo inventory in ``organization`` (owned by ``actor``); a
    second call adds only what is missing, so it can run on every seed."""
    existing = {i.lower() for i in selectors.assets_for(organization).values_list("identifier", flat=True)}
    drafts = []
    for item in DEMO_ASSETS:
        if item["identifier"].lower() in existing:
            continue
        values = {k: v for k, v in item.items() if k != "relations"}
        values["owner"] = actor
        relations = [(t, target) for t, target in item.get("relations", [])]
        drafts.append(AssetDraft(values=values, relations=relations))
    if not drafts:
        return []
    return asset_bulk_create(organization=organization, actor=actor, drafts=drafts, reason="Demo inventory")
