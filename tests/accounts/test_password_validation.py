"""Every path that sets a password applies AUTH_PASSWORD_VALIDATORS."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weak", ["short1", "password123", "1234567890123", "alice@example.org"])
def test_changing_one_s_password_refuses_a_weak_one(client, alice, password, weak):
    client.force_login(alice)
    answer = client.post(
        "/accounts/password/", {"old_password": password, "new_password1": weak, "new_password2": weak}
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors["new_password2"]
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_changing_one_s_password_accepts_a_strong_one(client, alice, password):
    client.force_login(alice)
    strong = "violet-harbour-lantern-42"
    answer = client.post(
        "/accounts/password/", {"old_password": password, "new_password1": strong, "new_password2": strong}
    )
    assert answer.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(strong)


@pytest.fixture
def admin_client_(client, db):
    root = User.objects.create_superuser("root", "root@example.org", "a-long-admin-passphrase")
    client.force_login(root)
    return client


def test_the_admin_s_password_change_refuses_a_weak_one(admin_client_, alice, password):
    answer = admin_client_.post(
        f"/admin/accounts/user/{alice.pk}/password/", {"password1": "password", "password2": "password"}
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_the_admin_s_new_user_refuses_a_weak_password(admin_client_):
    answer = admin_client_.post(
        "/admin/accounts/user/add/",
        {
            "username": "eve",
            "usable_password": "true",
            "password1": "123456789012",
            "password2": "123456789012",
        },
    )
    assert answer.status_code == 200
    assert not User.objects.filter(username="eve").exists()
