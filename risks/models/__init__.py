"""One risk register for information security (ISO/IEC 27001 6.1.2, 6.1.3, 8.2,
8.3) and AI (ISO/IEC 42001 6.1.2 to 6.1.4, 8.2 to 8.4), the organization's risk
methodology that rates it, and AI system impact assessments (42001 6.1.4, A.5).

Scores are likelihood x impact on the methodology's scales; a score's level
(low, medium, high, critical) comes from the methodology's bands and is stored
on the risk, so that lists filter and sort on it cheaply. Changing the
methodology re-scores every risk (``services.methodology_update``).

Split by subject: ``vocabulary`` (choices and scales), ``methodology``,
``register`` (risks, their links and actions) and ``impact`` (assessments).
"""

from .impact import ImpactAssessment, ImpactItem, ImpactReviewer
from .methodology import (
    DEFAULT_IMPACT_LABELS,
    DEFAULT_LIKELIHOOD_LABELS,
    LABEL_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    Band,
    RiskMethodology,
    default_impact_labels,
    default_likelihood_labels,
)
from .register import (
    ACCEPTANCE_FIELDS,
    REFERENCE_PREFIX,
    Risk,
    RiskAsset,
    RiskControl,
    RiskQuerySet,
    TreatmentAction,
    risk_reference,
)
from .vocabulary import (
    AI_CATEGORIES,
    EDITABLE_STATUSES,
    HARM_AREA_FOR_IMPACT,
    IMPACT_SCALE,
    LEVEL_COLOURS,
    LEVEL_RANK,
    PENDING_ACTION_STATUSES,
    SECURITY_CATEGORIES,
    ActionStatus,
    AffectedParty,
    AssessmentStatus,
    Category,
    HarmArea,
    ImpactArea,
    ImpactLikelihood,
    ImpactSeverity,
    Level,
    RiskStatus,
    Treatment,
    scale_map,
)

__all__ = [
    "ACCEPTANCE_FIELDS",
    "AI_CATEGORIES",
    "DEFAULT_IMPACT_LABELS",
    "DEFAULT_LIKELIHOOD_LABELS",
    "EDITABLE_STATUSES",
    "HARM_AREA_FOR_IMPACT",
    "IMPACT_SCALE",
    "LABEL_MAX_LENGTH",
    "LEVEL_COLOURS",
    "LEVEL_RANK",
    "PENDING_ACTION_STATUSES",
    "REFERENCE_PREFIX",
    "SCALE_MAX",
    "SCALE_MIN",
    "SECURITY_CATEGORIES",
    "ActionStatus",
    "AffectedParty",
    "AssessmentStatus",
    "Band",
    "Category",
    "HarmArea",
    "ImpactArea",
    "ImpactAssessment",
    "ImpactItem",
    "ImpactLikelihood",
    "ImpactReviewer",
    "ImpactSeverity",
    "Level",
    "Risk",
    "RiskAsset",
    "RiskControl",
    "RiskMethodology",
    "RiskQuerySet",
    "RiskStatus",
    "Treatment",
    "TreatmentAction",
    "default_impact_labels",
    "default_likelihood_labels",
    "risk_reference",
    "scale_map",
]
