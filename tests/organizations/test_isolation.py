"""Charlie (Globex) must see nothing of Acme: every page and endpoint answers 404."""

import pytest

ACME_PAGES = ["/o/acme/", "/o/acme/members/", "/o/acme/activity/", "/o/acme/settings/"]


@pytest.mark.parametrize("path", ACME_PAGES)
def test_a_non_member_gets_404_for_every_organization_page(client, alice, charlie, password, path):
    client.login(username="charlie", password=password)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ACME_PAGES)
def test_a_member_reaches_the_organization_pages(client, alice, password, path):
    client.login(username="alice", password=password)
    assert client.get(path).status_code == 200


def test_an_unknown_organization_looks_the_same_as_a_foreign_one(client, charlie, password):
    client.login(username="charlie", password=password)
    assert client.get("/o/does-not-exist/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, alice):
    response = client.get("/o/acme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_non_member_cannot_post_to_an_organization(client, alice, charlie, password):
    client.login(username="charlie", password=password)
    response = client.post("/o/acme/members/add/", {"user": "charlie", "role": "admin"})
    assert response.status_code == 404
    assert not alice.memberships.get().organization.memberships.filter(user=charlie).exists()


def test_the_switcher_lists_only_the_users_own_organizations(client, alice, charlie, globex, password):
    client.login(username="charlie", password=password)
    response = client.get("/o/globex/")
    assert b"Globex Industries" in response.content
    assert b"Acme Corp" not in response.content


def test_api_hides_foreign_organizations_from_the_list(api_as, alice, charlie):
    response = api_as(charlie).get("/api/v1/organizations/")
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()["results"]] == ["globex"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/organizations/acme/"),
        ("patch", "/api/v1/organizations/acme/"),
        ("get", "/api/v1/organizations/acme/members/"),
        ("post", "/api/v1/organizations/acme/members/"),
    ],
)
def test_api_answers_404_for_another_organization(api_as, alice, charlie, method, path):
    response = getattr(api_as(charlie), method)(path, {"username": "charlie", "role": "admin", "name": "x"})
    assert response.status_code == 404


def test_api_answers_404_for_a_foreign_membership_id(api_as, alice, charlie, globex):
    charlie_membership = charlie.memberships.get()
    response = api_as(alice).get(f"/api/v1/organizations/acme/members/{charlie_membership.pk}/")
    assert response.status_code == 404
