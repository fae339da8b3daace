"""Viewers and auditors read the register; contributors record risks and edit
the ones they own; officers and administrators edit all."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risks import services
from risks.models import Risk
from tests.factories import RiskFactory


@pytest.fixture
def alices_risk(acme, alice):
    return RiskFactory(organization=acme, owner=alice, title="Alice's risk")


@pytest.fixture
def carols_risk(acme, carol):
    return RiskFactory(organization=acme, owner=carol, title="Carol's risk")


@pytest.mark.parametrize("username", ["bob", "audrey"])
def test_readers_read_but_cannot_change_anything(client, acme, bob, audrey, alices_risk, password, username):
    client.login(username=username, password=password)
    base = f"/o/acme/risks/{alices_risk.pk}/"
    for url in [
        "/o/acme/risks/",
        base,
        base + "history/",
        "/o/acme/risks/heat-maps/",
        "/o/acme/risks/impact-assessments/",
    ]:
        assert client.get(url).status_code == 200, url
    page = client.get(base).content.decode()
    assert 'data-testid="edit-risk"' not in page and 'data-testid="action-form"' not in page
    for url in ["/o/acme/risks/new/", base + "edit/", base + "delete/", "/o/acme/risks/import/"]:
        assert client.get(url).status_code == 403, url
    for url in [base + "edit/", base + "review/", base + "actions/", base + "delete/"]:
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert Risk.objects.get().title == "Alice's risk"


def test_auditors_export_and_viewers_do_not(client, acme, bob, audrey, alices_risk, password):
    client.login(username="audrey", password=password)
    assert client.get("/o/acme/risks/export/", {"format": "xlsx"}).status_code == 200
    client.login(username="bob", password=password)
    assert client.get("/o/acme/risks/export/", {"format": "xlsx"}).status_code == 403


@pytest.mark.parametrize("username", ["bob", "audrey"])
def test_readers_cannot_write_through_the_api(api_as, acme, bob, audrey, alices_risk, username):
    from accounts.models import User

    client = api_as(User.objects.get(username=username))
    assert client.get("/api/v1/organizations/acme/risks/").status_code == 200
    assert client.post("/api/v1/organizations/acme/risks/", {"title": "x"}).status_code == 403
    assert (
        client.patch(f"/api/v1/organizations/acme/risks/{alices_risk.pk}/", {"title": "x"}).status_code == 403
    )
    assert client.delete(f"/api/v1/organizations/acme/risks/{alices_risk.pk}/").status_code == 403
    assert client.post(f"/api/v1/organizations/acme/risks/{alices_risk.pk}/review/").status_code == 403


def test_contributors_record_risks_they_own(acme, carol, security_values):
    risk = services.risk_create(organization=acme, actor=carol, values={**security_values, "owner": carol})
    assert risk.owner == carol
    with pytest.raises(ValidationError) as caught:
        services.risk_create(organization=acme, actor=carol, values=security_values)  # owned by Alice
    assert caught.value.message_dict["owner"] == [
        "As a contributor you record and keep risks you own yourself."
    ]


def test_contributors_edit_only_their_own(acme, carol, alices_risk, carols_risk):
    services.risk_update(risk=carols_risk, actor=carol, values={"title": "Carol's risk, reworded"})
    with pytest.raises(PermissionDenied):
        services.risk_update(risk=alices_risk, actor=carol, values={"title": "Taken"})
    with pytest.raises(PermissionDenied):
        services.risk_delete(risk=alices_risk, actor=carol)
    with pytest.raises(PermissionDenied):
        services.treatment_action_create(
            risk=alices_risk,
            actor=carol,
            values={"description": "x", "owner": carol, "due_date": "2030-01-01"},
        )


def test_contributors_through_the_pages(client, acme, carol, alices_risk, carols_risk, password):
    client.login(username="carol", password=password)
    assert client.get(f"/o/acme/risks/{carols_risk.pk}/edit/").status_code == 200
    assert client.get(f"/o/acme/risks/{alices_risk.pk}/edit/").status_code == 403
    assert 'data-testid="edit-risk"' not in client.get(f"/o/acme/risks/{alices_risk.pk}/").content.decode()


def test_contributors_through_the_api(api_as, acme, carol, alices_risk, carols_risk):
    client = api_as(carol)
    created = client.post(
        "/api/v1/organizations/acme/risks/",
        {
            "title": "Carol's new risk",
            "category": "ai",
            "ai_harm_area": "privacy",
            "inherent_likelihood": 2,
            "inherent_impact": 3,
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["owner"] == "carol" and created.json()["reference"] == "R-003"
    assert (
        client.patch(f"/api/v1/organizations/acme/risks/{alices_risk.pk}/", {"title": "x"}).status_code == 403
    )
    assert (
        client.patch(f"/api/v1/organizations/acme/risks/{carols_risk.pk}/", {"title": "Mine"}).status_code
        == 200
    )


def test_officers_edit_every_risk_and_hand_it_over(acme, olivia, carol, alices_risk):
    risk = services.risk_update(risk=alices_risk, actor=olivia, values={"owner": carol})
    assert risk.owner == carol


def test_an_action_owner_may_complete_it_but_not_replan_it(acme, alice, carol, alices_risk):
    action = services.treatment_action_create(
        risk=alices_risk,
        actor=alice,
        values={"description": "Patch", "owner": carol, "due_date": "2030-01-01"},
    )
    with pytest.raises(PermissionDenied):
        services.treatment_action_update(action=action, actor=carol, values={"due_date": "2031-01-01"})
    done = services.treatment_action_complete(action=action, actor=carol, note="Patched on all nodes.")
    assert done.status == "done" and done.completed_on is not None
