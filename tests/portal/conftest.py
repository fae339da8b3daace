"""The portal's cast: Alice (admin), Bob (viewer), Charlie (Globex) from the root conftest,
and at Acme Olivia (compliance officer), Carol (contributor) and Audrey (auditor)."""

import pytest

from core.roles import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _catalogues(catalogues):
    """The overview and My work read the SoA rows, which need the real catalogues."""


def _member(organization, username: str, role: str, first: str, last: str):
    user = UserFactory(username=username, first_name=first, last_name=last, email=f"{username}@acme.example")
    MembershipFactory(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def olivia(acme):
    return _member(acme, "olivia", Role.COMPLIANCE_OFFICER, "Olivia", "Ortiz")


@pytest.fixture
def carol(acme):
    return _member(acme, "carol", Role.CONTRIBUTOR, "Carol", "Cook")


@pytest.fixture
def audrey(acme):
    return _member(acme, "audrey", Role.AUDITOR, "Audrey", "Adams")
