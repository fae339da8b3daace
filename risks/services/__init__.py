"""Writes to the risk register, the methodology and the impact assessments.

Split by subject; import from here: ``from risks import services`` then
``services.risk_create(...)``.
"""

from .impact import (
    impact_assessment_create,
    impact_assessment_delete,
    impact_assessment_reassess,
    impact_assessment_sign_off,
    impact_assessment_update,
    impact_item_create,
    impact_item_delete,
    impact_item_raise_risk,
    impact_item_update,
    impact_review_allowed,
    impact_review_record,
    impact_reviewers_set,
)
from .methodology import MethodologyChange, methodology_create_default, methodology_update
from .register import (
    ABOVE_APPETITE_JUSTIFICATION_MIN,
    RISK_WRITABLE_FIELDS,
    risk_accept,
    risk_acceptance_withdraw,
    risk_create,
    risk_delete,
    risk_review_record,
    risk_update,
)
from .treatment import (
    ActionDraft,
    treatment_action_bulk_create,
    treatment_action_complete,
    treatment_action_create,
    treatment_action_delete,
    treatment_action_update,
)

__all__ = [
    "ABOVE_APPETITE_JUSTIFICATION_MIN",
    "RISK_WRITABLE_FIELDS",
    "ActionDraft",
    "MethodologyChange",
    "impact_assessment_create",
    "impact_assessment_delete",
    "impact_assessment_reassess",
    "impact_assessment_sign_off",
    "impact_assessment_update",
    "impact_item_create",
    "impact_item_delete",
    "impact_item_raise_risk",
    "impact_item_update",
    "impact_review_allowed",
    "impact_review_record",
    "impact_reviewers_set",
    "methodology_create_default",
    "methodology_update",
    "risk_accept",
    "risk_acceptance_withdraw",
    "risk_create",
    "risk_delete",
    "risk_review_record",
    "risk_update",
    "treatment_action_bulk_create",
    "treatment_action_complete",
    "treatment_action_create",
    "treatment_action_delete",
    "treatment_action_update",
]
