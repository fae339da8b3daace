from django.db import connection
from django.test.utils import CaptureQueriesContext
from organizations.services import organization_create
from tests.factories import UserFactory


def test_dump(client, catalogues):
    alice = UserFactory(username="alice")
    organization = organization_create(name="Initech", creator=alice)
    client.force_login(alice)
    client.get(f"/o/{organization.slug}/")
    with CaptureQueriesContext(connection) as c:
        client.get(f"/o/{organization.slug}/")
    for q in c.captured_queries:
        print("Q:", q["sql"][:230])
