"""Every change to an organization-owned record keeps who, when and what."""

from core.roles import Role
from organizations.models import Membership


def test_history_records_the_acting_user_of_a_browser_change(client, acme, alice, bob, password):
    client.login(username="alice", password=password)
    bob_membership = Membership.objects.get(user=bob)
    client.post(f"/o/acme/members/{bob_membership.pk}/role/", {"role": "auditor"})

    latest = bob_membership.history.latest()
    assert latest.history_user == alice
    assert latest.role == Role.AUDITOR
    assert latest.prev_record.role == Role.VIEWER


def test_history_records_the_token_user_of_an_api_change(api_as, acme, alice, bob):
    bob_membership = Membership.objects.get(user=bob)
    api_as(alice).patch(f"/api/v1/organizations/acme/members/{bob_membership.pk}/", {"role": "contributor"})
    latest = bob_membership.history.latest()
    assert latest.history_user == alice
    assert latest.history_change_reason == "Role changed"


def test_a_removed_member_stays_in_the_activity(client, acme, alice, bob, password):
    client.login(username="alice", password=password)
    bob_membership = Membership.objects.get(user=bob)
    client.post(f"/o/acme/members/{bob_membership.pk}/remove/")
    response = client.get("/o/acme/activity/")
    removed = [e for e in response.context["entries"] if e.action == "Deleted" and "Bob Baker" in e.label]
    assert removed and removed[0].who == "Alice Archer"
    assert "Bob Baker" in response.content.decode()


def test_organization_changes_show_before_and_after_on_the_activity_page(client, acme, alice, password):
    client.login(username="alice", password=password)
    client.post("/o/acme/settings/", {"name": "Acme Group", "description": "Holding"})
    response = client.get("/o/acme/activity/")
    content = response.content.decode()
    assert "Acme Corp" in content and "Acme Group" in content
    assert "Alice Archer" in content


def test_the_history_api_lists_field_changes_with_the_user(api_as, acme, alice, bob):
    bob_membership = Membership.objects.get(user=bob)
    client = api_as(alice)
    client.patch(f"/api/v1/organizations/acme/members/{bob_membership.pk}/", {"role": "auditor"})
    from core.history import history_for

    entry = history_for(bob_membership)[0]
    assert entry.who == "Alice Archer"
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("role", "Viewer", "Auditor")]
