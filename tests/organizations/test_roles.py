import pytest

from core.roles import Capability, Role, role_can
from organizations.models import Membership


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        (Role.ADMIN, Capability.MANAGE_MEMBERS, True),
        (Role.COMPLIANCE_OFFICER, Capability.MANAGE_MEMBERS, False),
        (Role.COMPLIANCE_OFFICER, Capability.EDIT_ANY, True),
        (Role.COMPLIANCE_OFFICER, Capability.APPROVE, True),
        (Role.CONTRIBUTOR, Capability.EDIT_ANY, False),
        (Role.CONTRIBUTOR, Capability.EDIT_OWN, True),
        (Role.AUDITOR, Capability.RECORD_AUDIT_RESULTS, True),
        (Role.AUDITOR, Capability.EDIT_OWN, False),
        (Role.AUDITOR, Capability.EXPORT, True),
        (Role.VIEWER, Capability.VIEW, True),
        (Role.VIEWER, Capability.EXPORT, False),
    ],
)
def test_role_capabilities(role, capability, allowed):
    assert role_can(role, capability) is allowed


def test_contributors_edit_only_what_they_own(acme, make_member):
    contributor = make_member(acme, Role.CONTRIBUTOR, "carol")
    membership = Membership.objects.get(user=contributor)

    class Owned:
        def __init__(self, owner_id):
            self.owner_id = owner_id

    assert membership.can_edit(Owned(contributor.pk))
    assert not membership.can_edit(Owned(contributor.pk + 1000))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.CONTRIBUTOR, Role.COMPLIANCE_OFFICER])
def test_only_admins_add_members_in_the_browser(client, acme, alice, make_member, password, role):
    make_member(acme, role, "someone")
    client.login(username="someone", password=password)
    response = client.post("/o/acme/members/add/", {"user": "alice", "role": "viewer"})
    assert response.status_code == 403


def test_an_admin_adds_an_existing_user(client, acme, alice, password):
    from tests.factories import UserFactory

    UserFactory(username="dave")
    client.login(username="alice", password=password)
    response = client.post("/o/acme/members/add/", {"user": "dave", "role": "auditor"})
    assert response.status_code == 302
    assert Membership.objects.get(organization=acme, user__username="dave").role == Role.AUDITOR


def test_an_admin_creates_an_account_and_sees_its_one_time_password(client, acme, alice, password):
    client.login(username="alice", password=password)
    response = client.post(
        "/o/acme/members/add/",
        {
            "username": "erin",
            "first_name": "Erin",
            "last_name": "",
            "email": "erin@example.org",
            "role": "contributor",
        },
        follow=True,
    )
    assert b"one-time password" in response.content
    assert Membership.objects.get(organization=acme, user__username="erin").role == Role.CONTRIBUTOR


def test_adding_an_unknown_user_shows_a_clear_error(client, acme, alice, password):
    client.login(username="alice", password=password)
    response = client.post("/o/acme/members/add/", {"user": "nobody", "role": "viewer"})
    assert response.status_code == 400
    assert b"No active user has this username or email" in response.content


def test_an_admin_changes_a_role_in_the_browser(client, acme, alice, bob, password):
    client.login(username="alice", password=password)
    bob_membership = Membership.objects.get(user=bob)
    client.post(f"/o/acme/members/{bob_membership.pk}/role/", {"role": "compliance_officer"})
    bob_membership.refresh_from_db()
    assert bob_membership.role == Role.COMPLIANCE_OFFICER


def test_the_last_admin_cannot_be_demoted_or_removed(client, acme, alice, password):
    client.login(username="alice", password=password)
    own = Membership.objects.get(user=alice)
    response = client.post(f"/o/acme/members/{own.pk}/role/", {"role": "viewer"}, follow=True)
    assert b"at least one administrator" in response.content
    client.post(f"/o/acme/members/{own.pk}/remove/")
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_viewers_cannot_change_roles_through_the_api(api_as, acme, alice, bob):
    alice_membership = Membership.objects.get(user=alice)
    response = api_as(bob).patch(
        f"/api/v1/organizations/acme/members/{alice_membership.pk}/", {"role": "viewer"}
    )
    assert response.status_code == 403
    alice_membership.refresh_from_db()
    assert alice_membership.role == Role.ADMIN


def test_admins_add_and_remove_members_through_the_api(api_as, acme, alice):
    from tests.factories import UserFactory

    UserFactory(username="frank")
    client = api_as(alice)
    created = client.post("/api/v1/organizations/acme/members/", {"username": "frank", "role": "auditor"})
    assert created.status_code == 201, created.content
    assert created.json()["user"]["username"] == "frank"
    deleted = client.delete(f"/api/v1/organizations/acme/members/{created.json()['id']}/")
    assert deleted.status_code == 204
    assert not Membership.objects.filter(organization=acme, user__username="frank").exists()


def test_the_api_refuses_removing_the_last_admin_with_a_json_error(api_as, acme, alice):
    own = Membership.objects.get(user=alice)
    response = api_as(alice).patch(f"/api/v1/organizations/acme/members/{own.pk}/", {"role": "viewer"})
    assert response.status_code == 400
    assert response.json() == {"role": ["An organization needs at least one administrator."]}


def test_only_admins_rename_the_organization_through_the_api(api_as, acme, alice, bob):
    assert api_as(bob).patch("/api/v1/organizations/acme/", {"name": "Hijacked"}).status_code == 403
    response = api_as(alice).patch("/api/v1/organizations/acme/", {"name": "Acme Group"})
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Group"
    assert response.json()["slug"] == "acme"


def test_the_members_page_has_unique_ids_and_a_label_for_every_field(client, acme, alice):
    import re

    client.force_login(alice)
    page = client.get("/o/acme/members/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for field_id in ("add_user", "add_role", "create_username", "create_role"):
        assert f'for="{field_id}"' in page and f'id="{field_id}"' in page
