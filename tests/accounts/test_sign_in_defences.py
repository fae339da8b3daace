"""Sign-in defences: the limiter (per account, per client) on the browser's sign-in and on
``POST /api/v1/auth/token/``, the lockout after repeated wrong passwords, and its unlock."""

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.admin import PortalUserAdmin
from accounts.models import User
from accounts.sign_in import LOCKED_MESSAGE

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


# --- The limiter -------------------------------------------------------------


@override_settings(SIGN_IN_ATTEMPTS_PER_ACCOUNT=3, SIGN_IN_LOCKOUT_FAILURES=0)
def test_the_browser_sign_in_is_limited_per_account(client, alice, password):
    for _ in range(3):
        assert sign_in(client, "alice", "wrong").status_code == 200
    refused = sign_in(client, "alice", password, address="10.0.0.2")  # even right, even from elsewhere
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # Another account from the same client is not held up by alice's count.
    assert sign_in(client, "bob", "wrong").status_code == 200


@override_settings(SIGN_IN_ATTEMPTS_PER_CLIENT=4, SIGN_IN_LOCKOUT_FAILURES=0)
def test_the_browser_sign_in_is_limited_per_client(client, alice, bob, password):
    for n in range(4):
        sign_in(client, f"guess{n}", "wrong")
    assert sign_in(client, "alice", password).status_code == 429
    assert sign_in(client, "alice", password, address="10.0.0.9").status_code == 302


@override_settings(SIGN_IN_ATTEMPTS_PER_CLIENT=4, SIGN_IN_LOCKOUT_FAILURES=0)
def test_a_forged_forwarded_for_does_not_escape_the_client_limit(client, alice, password):
    for n in range(4):
        client.post(
            "/accounts/login/", {"username": f"g{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
        )
    answer = client.post(
        "/accounts/login/", {"username": "alice", "password": password}, HTTP_X_FORWARDED_FOR="9.9.9.9"
    )
    assert answer.status_code == 429


@override_settings(SIGN_IN_ATTEMPTS_PER_ACCOUNT=2, SIGN_IN_LOCKOUT_FAILURES=0)
def test_the_token_endpoint_is_limited_per_account_with_a_json_429(api_client, alice, password):
    for _ in range(2):
        assert (
            api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "x"}).status_code == 400
        )
    answer = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": password})
    assert answer.status_code == 429
    assert answer.json()["detail"].startswith("Too many sign-in attempts")
    assert "Retry-After" in answer


@override_settings(SIGN_IN_ATTEMPTS_PER_CLIENT=3, SIGN_IN_LOCKOUT_FAILURES=0)
def test_the_token_endpoint_is_limited_per_client(api_client, alice, password):
    for n in range(3):
        api_client.post("/api/v1/auth/token/", {"username": f"guess{n}", "password": "x"})
    assert (
        api_client.post("/api/v1/auth/token/", {"username": "alice", "password": password}).status_code == 429
    )


@override_settings(SIGN_IN_ATTEMPTS_PER_ACCOUNT=2, SIGN_IN_LOCKOUT_FAILURES=0)
def test_the_admin_sign_in_is_limited_too(client, db):
    User.objects.create_superuser("root", "root@example.org", "a-long-admin-passphrase")
    for _ in range(2):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    answer = client.post("/admin/login/", {"username": "root", "password": "a-long-admin-passphrase"})
    assert answer.status_code == 200
    assert "Too many sign-in attempts" in answer.content.decode()
    assert "_auth_user_id" not in client.session


# --- The lockout -------------------------------------------------------------


@override_settings(SIGN_IN_LOCKOUT_FAILURES=3)
def test_consecutive_wrong_passwords_lock_the_account(client, alice, password):
    for _ in range(3):
        sign_in(client, "alice", "wrong")
    alice.refresh_from_db()
    assert alice.is_locked and alice.failed_sign_ins == 3
    answer = sign_in(client, "alice", password)  # the right password no longer opens it
    assert answer.status_code == 200
    assert LOCKED_MESSAGE in answer.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(SIGN_IN_LOCKOUT_FAILURES=3)
def test_a_success_starts_the_count_again(client, alice, password):
    sign_in(client, "alice", "wrong")
    sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", password).status_code == 302
    alice.refresh_from_db()
    assert alice.failed_sign_ins == 0 and not alice.is_locked


@override_settings(SIGN_IN_LOCKOUT_FAILURES=2)
def test_wrong_passwords_on_the_token_endpoint_lock_too_and_it_says_so(api_client, alice, password):
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"})
    answer = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": password})
    assert answer.status_code == 403
    assert answer.json() == {"detail": LOCKED_MESSAGE}


@override_settings(SIGN_IN_LOCKOUT_FAILURES=2)
def test_the_admin_action_unlocks(client, alice, password, rf):
    User.objects.filter(pk=alice.pk).update(locked_at="2026-12-01T10:00:00Z", failed_sign_ins=7)
    admin_user = User.objects.create_superuser("root", "root@example.org", "a-long-admin-passphrase")
    client.force_login(admin_user)
    answer = client.post(
        "/admin/accounts/user/", {"action": "unlock_accounts", "_selected_action": [alice.pk]}, follow=True
    )
    assert "1 account(s) unlocked." in answer.content.decode()
    alice.refresh_from_db()
    assert (alice.locked_at, alice.failed_sign_ins) == (None, 0)
    assert isinstance(site._registry[User], PortalUserAdmin)


def test_the_command_unlocks(alice, capsys):
    User.objects.filter(pk=alice.pk).update(locked_at="2026-12-01T10:00:00Z", failed_sign_ins=10)
    call_command("unlock_account", "alice")
    assert "alice: unlocked" in capsys.readouterr().out
    alice.refresh_from_db()
    assert not alice.is_locked and alice.failed_sign_ins == 0
    with pytest.raises(CommandError, match="nobody"):
        call_command("unlock_account", "nobody")


# --- Sessions ---------------------------------------------------------------


def test_sessions_expire(settings):
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert isinstance(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE, bool)


def test_a_request_without_a_client_address_is_limited_by_account_alone(db, alice, password):
    """A WSGI call that names no REMOTE_ADDR (an in-process client) is answered, not a 500."""
    from django.test import RequestFactory

    from accounts.sign_in import attempt_limit, client_address

    request = RequestFactory().post("/api/v1/auth/token/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""
    assert attempt_limit(username="alice", address=client_address(request)) is None
