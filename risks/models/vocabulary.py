"""The register's vocabularies: levels, categories, harm areas, statuses, and
the impact assessments' areas and scales."""

import math

from django.db import models


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3, Level.CRITICAL: 4}

#: Fill and text colour of each level, as SVG attributes and chips use them
#: (the heat maps go into PDFs too, where no stylesheet applies).
LEVEL_COLOURS = {
    Level.LOW: ("#9fd8b4", "#0f4d2c"),
    Level.MEDIUM: ("#ffe08a", "#5c4300"),
    Level.HIGH: ("#f8a65c", "#5a2400"),
    Level.CRITICAL: ("#c62f28", "#ffffff"),
}


class Category(models.TextChoices):
    INFORMATION_SECURITY = "information_security", "Information security"
    AI = "ai", "AI"
    BOTH = "both", "Information security and AI"


#: Categories that speak of threat, vulnerability and C/I/A, and those that speak of AI harm.
SECURITY_CATEGORIES = frozenset({Category.INFORMATION_SECURITY, Category.BOTH})
AI_CATEGORIES = frozenset({Category.AI, Category.BOTH})


class HarmArea(models.TextChoices):
    """Where an AI risk does harm (after ISO/IEC 42001 Annex C and ISO/IEC 23894)."""

    FAIRNESS = "fairness_bias", "Fairness and bias"
    TRANSPARENCY = "transparency_explainability", "Transparency and explainability"
    ROBUSTNESS = "robustness_accuracy_drift", "Robustness, accuracy and drift"
    PRIVACY = "privacy", "Privacy"
    SAFETY = "safety", "Safety"
    MODEL_SECURITY = "model_security", "Security of the model (poisoning, prompt injection, model theft)"
    ACCOUNTABILITY = "accountability_oversight", "Accountability and human oversight"
    SOCIETAL = "societal_environmental", "Societal and environmental impact"
    SUPPLY_CHAIN = "third_party_supply_chain", "Third-party and supply chain"
    LEGAL = "legal", "Legal and regulatory (incl. fundamental rights)"


class Treatment(models.TextChoices):
    MODIFY = "modify", "Modify — reduce with controls"
    RETAIN = "retain", "Retain — accept as it is"
    AVOID = "avoid", "Avoid — stop the activity"
    SHARE = "share", "Share — insure or contract out"


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    ASSESSED = "assessed", "Assessed"
    IN_TREATMENT = "in_treatment", "In treatment"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


#: Statuses a risk can be given by editing it; "accepted" only comes from an acceptance.
EDITABLE_STATUSES = [s for s in RiskStatus if s != RiskStatus.ACCEPTED]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


PENDING_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


class ImpactArea(models.TextChoices):
    FUNDAMENTAL_RIGHTS = "fundamental_rights", "Fundamental rights"
    FAIRNESS = "fairness", "Fairness and non-discrimination"
    SAFETY = "safety", "Safety and health"
    PRIVACY = "privacy", "Privacy and data protection"
    ENVIRONMENT = "environment", "Environment"
    ECONOMIC = "economic", "Economic"


#: The register's harm area a risk raised from an impact of each area gets.
HARM_AREA_FOR_IMPACT = {
    ImpactArea.FUNDAMENTAL_RIGHTS: HarmArea.LEGAL,
    ImpactArea.FAIRNESS: HarmArea.FAIRNESS,
    ImpactArea.SAFETY: HarmArea.SAFETY,
    ImpactArea.PRIVACY: HarmArea.PRIVACY,
    ImpactArea.ENVIRONMENT: HarmArea.SOCIETAL,
    ImpactArea.ECONOMIC: HarmArea.SOCIETAL,
}


class AffectedParty(models.TextChoices):
    INDIVIDUALS = "individuals", "Individuals"
    GROUPS = "groups", "Groups or communities"
    SOCIETY = "society", "Society"


class ImpactSeverity(models.IntegerChoices):
    NEGLIGIBLE = 1, "1 — Negligible"
    MINOR = 2, "2 — Minor"
    MODERATE = 3, "3 — Moderate"
    MAJOR = 4, "4 — Major"
    SEVERE = 5, "5 — Severe"


class ImpactLikelihood(models.IntegerChoices):
    RARE = 1, "1 — Rare"
    UNLIKELY = 2, "2 — Unlikely"
    POSSIBLE = 3, "3 — Possible"
    LIKELY = 4, "4 — Likely"
    ALMOST_CERTAIN = 5, "5 — Almost certain"


IMPACT_SCALE = 5


def scale_map(value: int, *, to_size: int, from_size: int = IMPACT_SCALE) -> int:
    """``value`` on a 1..``from_size`` scale, placed on a 1..``to_size`` scale
    (ends onto ends, the rest in proportion, halves rounded up)."""
    if from_size == to_size:
        return value
    return 1 + math.floor((value - 1) * (to_size - 1) / (from_size - 1) + 0.5)


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"
