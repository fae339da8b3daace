"""The consistency checks a compliance officer would otherwise run by hand.

Each check is a condition on an SoA row annotated by ``selectors.entries_for``
(``treats_risk``, ``has_stored_reason``, ``has_open_actions``,
``needed_for_ai``), written once as a ``Q`` so that the list filters on it in the
database (``has_problem``) and once as a test on the loaded row so that each row
says which problems it has — both from the same annotations, at no extra query.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q

#: The ISO/IEC 42001 controls that apply as soon as the organization has an AI
#: system in its inventory (not retired), whatever it does with it — deployer,
#: user or developer. Excluding one of them while AI systems exist is flagged.
#: Controls that depend on developing AI (A.6.1, A.6.2.2-A.6.2.5, A.7.2) are
#: left out: an organization that only deploys a vendor's system may exclude them.
AI_SYSTEM_CONTROLS: dict[str, str] = {
    "A.2.2": "An AI management system with AI systems in scope needs an AI policy (clause 5.2).",
    "A.3.2": "Someone must be accountable for each AI system in use.",
    "A.4.2": "The resources each AI system depends on must be known to manage its risks.",
    "A.5.2": "Clause 6.1.4 requires an impact assessment of the AI systems in scope.",
    "A.5.3": "Impact assessments of AI systems must be documented and kept.",
    "A.5.4": "AI systems in use can affect individuals; that impact must be assessed.",
    "A.5.5": "AI systems in use can affect society; that impact must be assessed.",
    "A.6.2.6": "Every AI system in operation must be monitored for drift, failure and misuse.",
    "A.7.4": "Every AI system in operation depends on the quality of the data it is given.",
    "A.9.2": "Using AI systems responsibly needs a defined process, whoever built them.",
    "A.9.4": "An AI system in use must be kept to its intended use.",
}
AI_FRAMEWORK = "iso42001-2023"


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    message: str
    condition: Q

    def fails(self, entry) -> bool:
        return bool(_TESTS[self.code](entry))


CHECKS: tuple[Check, ...] = (
    Check(
        code="treats_risk_but_excluded",
        title="Used to treat a risk but not applicable",
        message="The risk register uses this control to treat a risk, yet it is marked not applicable.",
        condition=Q(applicable=False, treats_risk=True),
    ),
    Check(
        code="applicable_without_reason",
        title="Applicable with no reason",
        message="The control is applicable but no reason is recorded and no risk is treated by it.",
        condition=Q(applicable=True, has_stored_reason=False, treats_risk=False),
    ),
    Check(
        code="exclusion_without_justification",
        title="Excluded without justification",
        message="The control is not applicable but the exclusion is not justified.",
        condition=Q(applicable=False, exclusion_justification=""),
    ),
    Check(
        code="implemented_with_open_actions",
        title="Implemented while treatment actions are open",
        message="The control is marked implemented, but risks it treats still have open treatment actions.",
        condition=Q(status="implemented", has_open_actions=True),
    ),
    Check(
        code="ai_control_excluded",
        title="AI control excluded while AI systems exist",
        message="The organization has AI systems in its inventory, for which this control applies.",
        condition=Q(applicable=False, needed_for_ai=True),
    ),
)
CHECKS_BY_CODE = {check.code: check for check in CHECKS}

_TESTS = {
    "treats_risk_but_excluded": lambda e: e.applicable is False and e.treats_risk,
    "applicable_without_reason": lambda e: (
        e.applicable is True and not e.has_stored_reason and not e.treats_risk
    ),
    "exclusion_without_justification": lambda e: e.applicable is False and not e.exclusion_justification,
    "implemented_with_open_actions": lambda e: e.status == "implemented" and e.has_open_actions,
    "ai_control_excluded": lambda e: e.applicable is False and e.needed_for_ai,
}


def any_problem() -> Q:
    return reduce(operator.or_, (check.condition for check in CHECKS))


def problems_of(entry) -> list[Check]:
    """The checks an annotated row fails."""
    return [check for check in CHECKS if check.fails(entry)]
