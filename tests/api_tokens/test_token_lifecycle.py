"""A token's life: created with its secret shown once and stored hashed, noted when used
(at most once a minute), refused at once when revoked or expired, read-only and
organization limits enforced, writes recorded under the token's user."""

import datetime
import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api_tokens.models import ApiToken
from api_tokens.services import api_token_create, api_token_mark_used, api_token_revoke
from assets.models import Asset
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_secret_is_stored_only_as_a_prefix_and_its_sha256(alice):
    issued = api_token_create(user=alice, name="CMDB sync")
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith("grc_") and len(issued.secret) >= 4 + 43  # 32 random bytes
    assert row.key_prefix == issued.secret[:12]
    assert row.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=row.pk).values().get().values()]
    assert issued.secret not in stored


def test_a_token_opens_the_api_as_its_user(alice, acme):
    issued = api_token_create(user=alice, name="CMDB sync")
    answer = client_with(issued.secret).get("/api/v1/organizations/acme/assets/")
    assert answer.status_code == 200


def test_a_wrong_secret_with_a_right_prefix_is_refused(alice, acme):
    issued = api_token_create(user=alice, name="CMDB sync")
    forged = issued.secret[:12] + "x" * (len(issued.secret) - 12)
    answer = client_with(forged).get("/api/v1/organizations/acme/assets/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "This token is not valid."}
    assert answer["WWW-Authenticate"] == "Token"


def test_last_used_is_noted_at_most_once_a_minute(alice, acme):
    issued = api_token_create(user=alice, name="CMDB sync")
    assert issued.token.last_used_at is None
    client = client_with(issued.secret)
    client.get("/api/v1/organizations/acme/assets/")
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None
    client.get("/api/v1/organizations/acme/assets/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get("/api/v1/organizations/acme/assets/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > first


def test_marking_use_within_the_minute_writes_nothing(alice, django_assert_num_queries):
    issued = api_token_create(user=alice, name="CMDB sync")
    now = timezone.now()
    api_token_mark_used(token=issued.token, now=now)
    with django_assert_num_queries(0):
        api_token_mark_used(token=issued.token, now=now + datetime.timedelta(seconds=59))


def test_a_revoked_token_stops_at_once(alice, acme):
    issued = api_token_create(user=alice, name="CMDB sync")
    client = client_with(issued.secret)
    assert client.get("/api/v1/organizations/acme/assets/").status_code == 200
    api_token_revoke(token=issued.token, actor=alice)
    answer = client.get("/api/v1/organizations/acme/assets/")
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("This token was revoked on ")


def test_an_expired_token_is_refused_with_its_date(alice, acme):
    issued = api_token_create(
        user=alice, name="CMDB sync", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    client = client_with(issued.secret)
    assert client.get("/api/v1/organizations/acme/assets/").status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    answer = client.get("/api/v1/organizations/acme/assets/")
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("This token expired on ")


def test_an_expiry_in_the_past_is_refused_at_creation(alice):
    with pytest.raises(Exception, match="future"):
        api_token_create(user=alice, name="Old", expires_at=timezone.now() - datetime.timedelta(days=1))


def test_a_read_only_token_reads_and_gets_403_on_every_write(alice, acme):
    issued = api_token_create(user=alice, name="Dashboard", read_only=True)
    client = client_with(issued.secret)
    server = AssetFactory(organization=acme, owner=alice)
    assert client.get("/api/v1/organizations/acme/assets/").status_code == 200
    for method, url in [
        ("post", "/api/v1/organizations/acme/assets/"),
        ("patch", f"/api/v1/organizations/acme/assets/{server.pk}/"),
        ("put", f"/api/v1/organizations/acme/assets/{server.pk}/"),
        ("delete", f"/api/v1/organizations/acme/assets/{server.pk}/"),
        ("post", "/api/v1/tokens/"),
    ]:
        answer = getattr(client, method)(url, {"name": "Changed"}, format="json")
        assert answer.status_code == 403, (method, url)
        assert "read-only" in answer.json()["detail"]
    assert Asset.objects.filter(pk=server.pk, name=server.name).exists()


def test_an_organization_limited_token_gets_404_on_the_others(alice, acme, globex, make_member):
    from core.roles import Role

    make_member(globex, Role.ADMIN, "dora")  # someone else's org, for contrast
    from tests.factories import MembershipFactory

    MembershipFactory(organization=globex, user=alice, role=Role.ADMIN)
    issued = api_token_create(user=alice, name="Acme only", organization=acme)
    client = client_with(issued.secret)
    assert client.get("/api/v1/organizations/acme/assets/").status_code == 200
    answer = client.get("/api/v1/organizations/globex/assets/")
    assert answer.status_code == 404
    assert "Globex" not in answer.content.decode()
    assert client.get("/api/v1/organizations/globex/").status_code == 404
    listed = client.get("/api/v1/organizations/").json()["results"]
    assert [o["slug"] for o in listed] == ["acme"]
    assert client.post("/api/v1/organizations/", {"name": "Initech"}, format="json").status_code == 403
    # The same user's unlimited token still opens both.
    both = client_with(api_token_create(user=alice, name="All").secret)
    assert both.get("/api/v1/organizations/globex/assets/").status_code == 200


def test_a_token_cannot_be_limited_to_an_organization_its_user_is_not_in(alice, globex):
    with pytest.raises(Exception, match="not a member"):
        api_token_create(user=alice, name="Sneaky", organization=globex)


def test_writes_with_a_token_record_the_token_user_in_history(alice, acme, api_as):
    answer = api_as(alice).post(
        "/api/v1/organizations/acme/assets/",
        {"name": "Payroll database", "kind": "software", "owner": "alice"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    asset = Asset.objects.get(pk=answer.json()["id"])
    assert asset.history.get().history_user == alice


def test_a_deactivated_user_s_token_is_refused(alice, acme):
    issued = api_token_create(user=alice, name="CMDB sync")
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client_with(issued.secret).get("/api/v1/organizations/acme/assets/").status_code == 401
