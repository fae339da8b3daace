"""A risk's treatment plan: actions with owners and due dates, completed on the
risk's page or from "my overdue treatments"."""

import datetime

import pytest
from django.utils import timezone

from risks import services
from risks.models import Risk, RiskStatus, TreatmentAction
from tests.factories import RiskFactory, TreatmentActionFactory

PAST = datetime.date(2021, 6, 1)


@pytest.fixture
def risk(acme, alice):
    return RiskFactory(organization=acme, owner=alice, title="Ransomware", status="assessed")


def test_planning_an_action_puts_the_risk_in_treatment(acme, alice, olivia, risk):
    action = services.treatment_action_create(
        risk=risk,
        actor=alice,
        values={"description": "Patch", "owner": olivia, "due_date": datetime.date(2030, 1, 1)},
    )
    assert action.status == "open" and action.owner == olivia
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.IN_TREATMENT


def test_the_owner_must_be_a_member(acme, alice, charlie, risk):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.treatment_action_create(
            risk=risk, actor=alice, values={"description": "Patch", "owner": charlie, "due_date": PAST}
        )
    assert caught.value.message_dict["owner"] == ["The owner must be a member of this organization."]


def test_completing_records_the_day_and_reopening_clears_it(acme, alice, risk):
    action = TreatmentActionFactory(risk=risk, owner=alice, due_date=PAST)
    assert action.is_overdue
    done = services.treatment_action_complete(action=action, actor=alice, note="Done on all nodes")
    assert (done.status, done.completed_on, done.completion_note) == (
        "done",
        timezone.localdate(),
        "Done on all nodes",
    )
    assert not done.is_overdue
    reopened = services.treatment_action_update(action=done, actor=alice, values={"status": "in_progress"})
    assert reopened.completed_on is None


def test_the_risk_page_adds_and_completes_actions(client, acme, alice, risk, password):
    client.login(username="alice", password=password)
    url = f"/o/acme/risks/{risk.pk}/"
    bad = client.post(url + "actions/", {"description": "", "owner": alice.pk, "due_date": ""})
    assert bad.status_code == 400
    response = client.post(
        url + "actions/", {"description": "Rebuild node images", "owner": alice.pk, "due_date": "2030-05-01"}
    )
    assert response.status_code == 302
    action = TreatmentAction.objects.get()
    assert client.post(url + f"actions/{action.pk}/done/").status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    page = client.get(url).content.decode()
    assert "Rebuild node images" in page and "action-done" in page


def test_the_overview_shows_the_heat_maps_and_overdue_treatments(client, acme, alice, password):
    risk = RiskFactory(organization=acme, owner=alice, inherent_likelihood=2, inherent_impact=5)
    TreatmentActionFactory(risk=risk, owner=alice, due_date=PAST)
    client.login(username="alice", password=password)
    page = client.get("/o/acme/").content.decode()
    assert 'data-testid="risk-overview"' in page
    assert 'data-testid="heat-map-inherent"' in page and 'data-testid="heat-map-residual"' in page
    assert 'data-testid="overview-overdue"' in page
    assert client.get("/o/acme/").context["risk_overview"].summary.overdue_actions == 1
    assert 'data-cell="2-5" data-count="1"' in page
