"""Only members who may approve accept risks; above the appetite it takes an
explicit justification; raising the rating above what was accepted clears it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import Role
from risks import services
from risks.models import Risk, RiskStatus

LONG = "Retained until the Q3 migration: compensating monitoring, decided by the CISO on 2 May."


@pytest.fixture
def medium_risk(acme, alice, security_values):
    # 2 x 4 = 8: medium, within the default appetite (medium).
    return services.risk_create(
        organization=acme, actor=alice, values={**security_values, "inherent_likelihood": 2}
    )


@pytest.fixture
def high_risk(acme, alice, security_values):
    # 3 x 4 = 12: high, above the appetite.
    return services.risk_create(organization=acme, actor=alice, values=security_values)


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUDITOR, Role.VIEWER])
def test_roles_without_approval_cannot_accept(acme, make_member, medium_risk, role):
    someone = make_member(acme, role, f"someone-{role}")
    with pytest.raises(PermissionDenied):
        services.risk_accept(risk=medium_risk, actor=someone, justification="Fine.")
    assert not Risk.objects.get(pk=medium_risk.pk).is_accepted


def test_within_the_appetite_a_short_note_suffices(acme, olivia, medium_risk):
    risk = services.risk_accept(risk=medium_risk, actor=olivia, justification="Low exposure.")
    risk = Risk.objects.get(pk=risk.pk)
    assert (risk.status, risk.accepted_by, risk.accepted_level, risk.accepted_score) == (
        RiskStatus.ACCEPTED,
        olivia,
        "medium",
        8,
    )
    assert risk.accepted_at is not None and not risk.accepted_above_appetite


def test_a_note_is_still_needed(acme, olivia, medium_risk):
    with pytest.raises(ValidationError) as caught:
        services.risk_accept(risk=medium_risk, actor=olivia, justification="  ")
    assert caught.value.message_dict["justification"] == ["Add a short note on why the risk is accepted."]


def test_above_the_appetite_it_needs_an_explicit_justification(acme, olivia, high_risk):
    with pytest.raises(ValidationError) as caught:
        services.risk_accept(risk=high_risk, actor=olivia, justification="Fine by me.")
    assert "above the risk appetite (medium)" in caught.value.message_dict["justification"][0]
    risk = services.risk_accept(risk=high_risk, actor=olivia, justification=LONG)
    assert risk.accepted_above_appetite and risk.history.latest().history_change_reason == (
        "Risk accepted above the risk appetite"
    )


def test_raising_the_residual_rating_clears_the_acceptance(acme, alice, olivia, security_values):
    risk = services.risk_create(
        organization=acme,
        actor=alice,
        values={**security_values, "residual_likelihood": 2, "residual_impact": 2},
    )
    services.risk_accept(risk=risk, actor=olivia, justification="Treated well enough.")
    # Lowering keeps it.
    risk = services.risk_update(risk=Risk.objects.get(pk=risk.pk), actor=alice, values={"residual_impact": 1})
    assert risk.is_accepted and risk.status == RiskStatus.ACCEPTED
    # Raising above what was accepted (score 4) clears it.
    risk = services.risk_update(risk=Risk.objects.get(pk=risk.pk), actor=alice, values={"residual_impact": 3})
    risk = Risk.objects.get(pk=risk.pk)
    assert not risk.is_accepted and risk.accepted_by is None
    assert risk.status == RiskStatus.ASSESSED
    assert "acceptance cleared" in risk.history.latest().history_change_reason


def test_the_status_accepted_is_not_set_by_editing(acme, alice, medium_risk):
    with pytest.raises(ValidationError) as caught:
        services.risk_update(risk=medium_risk, actor=alice, values={"status": "accepted"})
    assert "accepts it on its page" in caught.value.message_dict["status"][0]


def test_an_accepted_risk_can_be_closed_but_not_reopened_without_withdrawing(
    acme, alice, olivia, medium_risk
):
    services.risk_accept(risk=medium_risk, actor=olivia, justification="Ok.")
    with pytest.raises(ValidationError):
        services.risk_update(
            risk=Risk.objects.get(pk=medium_risk.pk), actor=alice, values={"status": "assessed"}
        )
    risk = services.risk_acceptance_withdraw(
        risk=Risk.objects.get(pk=medium_risk.pk), actor=olivia, reason="Supplier changed"
    )
    assert not risk.is_accepted and risk.status == RiskStatus.ASSESSED
    assert risk.history.latest().history_change_reason == "Acceptance withdrawn: Supplier changed"


def test_a_closed_risk_is_not_accepted(acme, alice, olivia, medium_risk):
    services.risk_update(risk=medium_risk, actor=alice, values={"status": "closed"})
    with pytest.raises(ValidationError):
        services.risk_accept(risk=Risk.objects.get(pk=medium_risk.pk), actor=olivia, justification="Ok.")


def test_the_page_accepts_and_shows_who_when_why(client, acme, olivia, high_risk, password):
    client.login(username="olivia", password=password)
    url = f"/o/acme/risks/{high_risk.pk}/"
    assert "explain in at least 40 characters" in client.get(url).content.decode()
    refused = client.post(url + "accept/", {"justification": "Fine"})
    assert refused.status_code == 400
    assert "above the risk appetite" in refused.content.decode()
    assert client.post(url + "accept/", {"justification": LONG}).status_code == 302
    page = client.get(url).content.decode()
    assert "Accepted</strong> by Olivia Ortiz" in page
    assert "Accepted above the risk appetite" in page


def test_viewers_do_not_see_the_form_and_cannot_post_it(client, acme, bob, medium_risk, password):
    client.login(username="bob", password=password)
    url = f"/o/acme/risks/{medium_risk.pk}/"
    assert 'data-testid="accept-form"' not in client.get(url).content.decode()
    assert client.post(url + "accept/", {"justification": "Ok"}).status_code == 403


def test_the_api_accepts_with_the_same_rules(api_as, acme, olivia, carol, high_risk):
    url = f"/api/v1/organizations/acme/risks/{high_risk.pk}/accept/"
    assert api_as(carol).post(url, {"justification": LONG}).status_code == 403
    short = api_as(olivia).post(url, {"justification": "ok"})
    assert short.status_code == 400 and "justification" in short.json()
    done = api_as(olivia).post(url, {"justification": LONG})
    assert done.status_code == 200
    assert done.json()["acceptance"]["accepted_by"] == "olivia"
    assert done.json()["acceptance"]["above_appetite"] is True
    assert done.json()["status"] == "accepted"
