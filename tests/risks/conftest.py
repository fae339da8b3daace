import pytest

from core.roles import Role
from tests.factories import AISystemFactory, AssetFactory, MembershipFactory, UserFactory


@pytest.fixture
def carol(acme):
    """A contributor at Acme: records risks she owns and edits only those."""
    user = UserFactory(username="carol", first_name="Carol", last_name="Cook")
    MembershipFactory(organization=acme, user=user, role=Role.CONTRIBUTOR)
    return user


@pytest.fixture
def olivia(acme):
    """A compliance officer at Acme: edits every risk and accepts risks."""
    user = UserFactory(username="olivia", first_name="Olivia", last_name="Ortiz")
    MembershipFactory(organization=acme, user=user, role=Role.COMPLIANCE_OFFICER)
    return user


@pytest.fixture
def audrey(acme):
    """An auditor at Acme: reads and exports, changes nothing here."""
    user = UserFactory(username="audrey", first_name="Audrey", last_name="Adams")
    MembershipFactory(organization=acme, user=user, role=Role.AUDITOR)
    return user


@pytest.fixture
def acme_server(acme, alice):
    return AssetFactory(organization=acme, owner=alice, name="Inference server", identifier="AST-0001")


@pytest.fixture
def acme_ai(acme, alice):
    return AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")


@pytest.fixture
def security_values(alice):
    """What a valid information security risk owned by Alice needs."""
    return {
        "title": "Ransomware encrypts the inference server",
        "category": "information_security",
        "threat": "Ransomware",
        "vulnerability": "Unpatched hypervisor",
        "affects_availability": True,
        "owner": alice,
        "inherent_likelihood": 3,
        "inherent_impact": 4,
    }
