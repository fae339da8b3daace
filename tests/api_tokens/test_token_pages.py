"""The "API tokens" pages of the account menu: list, create (secret shown once), revoke."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api_tokens.models import ApiToken
from api_tokens.services import api_token_create

pytestmark = pytest.mark.django_db


def test_the_account_menu_links_to_the_tokens(client, alice, acme):
    client.force_login(alice)
    assert 'href="/accounts/tokens/"' in client.get("/organizations/").content.decode()


def test_creating_a_token_shows_the_secret_once(client, alice, acme):
    client.force_login(alice)
    form = client.get("/accounts/tokens/new/").content.decode()
    assert "Acme Corp" in form and "All my organizations" in form
    answer = client.post(
        "/accounts/tokens/new/",
        {"name": "CMDB sync", "organization": str(acme.pk), "read_only": "on", "expires": "30"},
    )
    assert answer.status_code == 201
    assert "no-store" in answer["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    secret = answer.context["secret"]
    assert f'value="{secret}"' in answer.content.decode()
    assert (token.name, token.read_only, token.organization, token.expires_at is not None) == (
        "CMDB sync",
        True,
        acme,
        True,
    )
    listing = client.get("/accounts/tokens/").content.decode()
    assert "CMDB sync" in listing and "Read only" in listing and secret not in listing


def test_a_token_needs_a_name(client, alice):
    client.force_login(alice)
    answer = client.post("/accounts/tokens/new/", {"name": "", "expires": ""})
    assert answer.status_code == 200
    assert not ApiToken.objects.exists()


def test_a_stranger_s_organization_is_not_offered_nor_accepted(client, alice, acme, globex):
    client.force_login(alice)
    assert "Globex" not in client.get("/accounts/tokens/new/").content.decode()
    answer = client.post(
        "/accounts/tokens/new/", {"name": "x", "organization": str(globex.pk), "expires": ""}
    )
    assert answer.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token(client, alice, acme):
    issued = api_token_create(user=alice, name="Old CMDB")
    client.force_login(alice)
    confirm = client.get(f"/accounts/tokens/{issued.token.pk}/revoke/")
    assert confirm.status_code == 200 and "Revoke “Old CMDB”?" in confirm.content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None  # asking revokes nothing
    answer = client.post(f"/accounts/tokens/{issued.token.pk}/revoke/", follow=True)
    assert "is revoked" in answer.content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None
    assert "Revoked" in answer.content.decode()


def test_another_user_s_token_pages_are_404(client, alice, charlie, acme, globex):
    issued = api_token_create(user=charlie, name="Globex ETL")
    client.force_login(alice)
    assert client.get(f"/accounts/tokens/{issued.token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{issued.token.pk}/revoke/").status_code == 404
    assert "Globex ETL" not in client.get("/accounts/tokens/").content.decode()
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_the_pages_need_a_sign_in(client):
    assert client.get("/accounts/tokens/").status_code == 302


def test_the_token_pages_write_nothing_and_take_few_queries(
    client, alice, acme, django_assert_max_num_queries
):
    for n in range(8):
        api_token_create(user=alice, name=f"Token {n}", organization=acme if n % 2 else None)
    client.force_login(alice)
    token = ApiToken.objects.first()
    for url in ("/accounts/tokens/", "/accounts/tokens/new/", f"/accounts/tokens/{token.pk}/revoke/"):
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        writes = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert [w for w in writes if "django_session" not in w] == [], url
