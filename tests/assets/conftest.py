import pytest

from core.roles import Role
from tests.factories import AISystemFactory, AssetFactory, MembershipFactory, UserFactory


@pytest.fixture
def carol(acme):
    """A contributor at Acme: creates assets she owns and edits only those."""
    user = UserFactory(username="carol", first_name="Carol", last_name="Cook", email="carol@acme.example")
    MembershipFactory(organization=acme, user=user, role=Role.CONTRIBUTOR)
    return user


@pytest.fixture
def acme_server(acme, alice):
    return AssetFactory(organization=acme, owner=alice, name="Acme web server", identifier="AST-0001")


@pytest.fixture
def acme_ai(acme, alice):
    return AISystemFactory(
        organization=acme, owner=alice, name="Acme claims assistant", identifier="AST-0002"
    )
