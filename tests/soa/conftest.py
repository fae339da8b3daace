"""The SoA's cast: Alice (admin), Bob (viewer) and Charlie (Globex) from the root
conftest, plus Olivia (compliance officer) and Carol (contributor) at Acme."""

import pytest

from controls.models import Control
from core.roles import Role
from risks import services as risk_services
from soa.models import SoAEntry
from tests.factories import MembershipFactory, UserFactory

ISO27001, ISO42001 = "iso27001-2022", "iso42001-2023"


@pytest.fixture(autouse=True)
def _catalogues(catalogues):
    """Every SoA test needs the real catalogues (131 controls)."""


@pytest.fixture
def olivia(acme):
    user = UserFactory(username="olivia", first_name="Olivia", last_name="Ortiz")
    MembershipFactory(organization=acme, user=user, role=Role.COMPLIANCE_OFFICER)
    return user


@pytest.fixture
def carol(acme):
    user = UserFactory(username="carol", first_name="Carol", last_name="Cook")
    MembershipFactory(organization=acme, user=user, role=Role.CONTRIBUTOR)
    return user


def control(reference: str, framework: str | None = None) -> Control:
    framework = framework or (ISO42001 if reference.startswith("A.") else ISO27001)
    return Control.objects.get(framework__code=framework, reference=reference)


def entry(organization, reference: str, framework: str | None = None) -> SoAEntry:
    return SoAEntry.objects.get(organization=organization, control=control(reference, framework))


def risk_treated_by(organization, owner, *references: str, title: str = "Ransomware on the file servers"):
    """A risk of the register whose treatment uses the controls ``references``."""
    return risk_services.risk_create(
        organization=organization,
        actor=owner,
        values={
            "title": title,
            "category": "information_security",
            "threat": "Ransomware",
            "vulnerability": "Unpatched servers",
            "affects_availability": True,
            "owner": owner,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
            "treatment": "modify",
        },
        assets=[],
        controls=[control(r) for r in references],
    )


def decide_all(organization, actor, *, applicable: bool = True) -> None:
    """Decide every row (test setup only: a bulk write, bypassing the services)."""
    SoAEntry.objects.for_organization(organization).update(
        applicable=applicable, exclusion_justification="" if applicable else "Out of scope: no such activity."
    )
