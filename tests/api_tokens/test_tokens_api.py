"""``/api/v1/tokens/`` (your tokens: list, create, revoke) and ``POST /api/v1/auth/token/``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api_tokens.models import ApiToken
from api_tokens.services import api_token_create

pytestmark = pytest.mark.django_db


def test_the_token_endpoint_issues_a_new_kind_of_token(api_client, alice, password):
    answer = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": password, "name": "CI"})
    assert answer.status_code == 200
    body = answer.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.user, token.name, body["expires_at"]) == (alice, "CI", None)
    assert body["token"].startswith(token.key_prefix)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api_client.get("/api/v1/organizations/acme/").status_code == 200


def test_creating_a_token_answers_its_secret_once(api_as, alice, acme):
    client = api_as(alice)
    answer = client.post(
        "/api/v1/tokens/",
        {"name": "Risk dashboard", "read_only": True, "organization": "acme"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["token"].startswith(created["prefix"])
    assert (created["read_only"], created["organization"], created["status"]) == (True, "acme", "active")
    listed = client.get("/api/v1/tokens/").json()
    assert listed["count"] == 2  # the test client's own token and this one
    assert all("token" not in row for row in listed["results"])
    assert created["token"] not in client.get(f"/api/v1/tokens/{created['id']}/").content.decode()


def test_a_token_cannot_be_limited_to_a_stranger_s_organization(api_as, alice, acme, charlie, globex):
    client = api_as(alice)
    for slug in ("globex", "no-such-organization"):
        answer = client.post("/api/v1/tokens/", {"name": "x", "organization": slug}, format="json")
        assert answer.status_code == 400
        assert answer.json() == {"organization": ["You are not a member of this organization."]}


def test_revoking_stops_the_token_and_keeps_it_listed(api_as, alice, acme):
    client = api_as(alice)
    victim = api_token_create(user=alice, name="Old CMDB")
    answer = client.post(f"/api/v1/tokens/{victim.token.pk}/revoke/")
    assert answer.status_code == 200
    assert answer.json()["status"] == "revoked"
    assert answer.json()["revoked_at"]
    other = api_as(alice)
    other.credentials(HTTP_AUTHORIZATION=f"Token {victim.secret}")
    assert other.get("/api/v1/tokens/").status_code == 401


def test_another_user_s_token_is_404(api_as, alice, bob, acme):
    bobs = api_token_create(user=bob, name="Bob's")
    client = api_as(alice)
    assert client.get(f"/api/v1/tokens/{bobs.token.pk}/").status_code == 404
    assert client.post(f"/api/v1/tokens/{bobs.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=bobs.token.pk).revoked_at is None
    assert "Bob's" not in client.get("/api/v1/tokens/").content.decode()


def test_a_limited_token_sees_and_makes_only_tokens_of_its_organization(alice, acme, globex, api_client):
    from core.roles import Role
    from tests.factories import MembershipFactory

    MembershipFactory(organization=globex, user=alice, role=Role.ADMIN)
    wide = api_token_create(user=alice, name="Everything")
    limited = api_token_create(user=alice, name="Acme only", organization=acme)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {limited.secret}")
    names = [row["name"] for row in api_client.get("/api/v1/tokens/").json()["results"]]
    assert names == ["Acme only"]
    assert api_client.post(f"/api/v1/tokens/{wide.token.pk}/revoke/").status_code == 404
    made = api_client.post("/api/v1/tokens/", {"name": "Child"}, format="json").json()
    assert made["organization"] == "acme"
    refused = api_client.post("/api/v1/tokens/", {"name": "Escape", "organization": "globex"}, format="json")
    assert refused.status_code == 400


def test_anonymous_requests_are_401(api_client):
    assert api_client.get("/api/v1/tokens/").status_code == 401


def test_the_token_list_takes_a_fixed_number_of_queries(api_as, alice, acme, django_assert_max_num_queries):
    client = api_as(alice)
    for n in range(10):
        api_token_create(user=alice, name=f"Token {n}", organization=acme if n % 2 else None)
    client.get("/api/v1/tokens/")  # the last-used stamp is written on the first request
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/tokens/").status_code == 200


def test_reading_with_a_token_writes_only_its_last_used_stamp(api_as, alice, acme):
    client = api_as(alice)
    ApiToken.objects.filter(user=alice).update(last_used_at=None)  # never used yet
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/organizations/acme/assets/")
    writes = [q["sql"] for q in first.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 1 and "last_used_at" in writes[0]
    with CaptureQueriesContext(connection) as second:
        client.get("/api/v1/organizations/acme/assets/")
    assert not [
        q for q in second.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def test_the_schema_documents_the_token_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    obtain = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"200", "400", "403", "429"} <= set(obtain)
    create = schema["paths"]["/api/v1/tokens/"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(create)
    assert {"200", "401", "403", "404"} <= set(
        schema["paths"]["/api/v1/tokens/{id}/revoke/"]["post"]["responses"]
    )
    assert "tokenAuth" in schema["components"]["securitySchemes"]
