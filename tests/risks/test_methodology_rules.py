"""The methodology's bands rise and cover the matrix; only administrators change it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import Role
from risks import selectors, services


def _update(acme, actor, **values):
    return services.methodology_update(
        methodology=selectors.methodology_for(acme), actor=actor, values=values
    )


def test_thresholds_must_rise(acme, alice):
    with pytest.raises(ValidationError) as caught:
        _update(acme, alice, medium_from=10, high_from=8)
    assert "The thresholds must rise" in caught.value.message_dict["critical_from"][0]


def test_every_level_must_be_reachable_on_the_matrix(acme, alice):
    # On 5 x 5 no cell scores 21 to 24, so "high" from 21 and "critical" from 25 leave high empty.
    with pytest.raises(ValidationError) as caught:
        _update(acme, alice, high_from=21, critical_from=25)
    assert caught.value.message_dict["high_from"] == [
        "No cell of the matrix scores 21 to 24, so nothing would ever be high; move the thresholds."
    ]


def test_scales_have_three_to_seven_distinct_labels(acme, alice):
    with pytest.raises(ValidationError) as caught:
        _update(acme, alice, likelihood_labels=["Low", "High"], impact_labels=["A", "B", "b", "C"])
    errors = caught.value.message_dict
    assert errors["likelihood_labels"] == ["The likelihood scale has 3 to 7 levels; this one has 2."]
    assert errors["impact_labels"] == ["Two impact levels have the same label."]


def test_the_review_interval_stays_sensible(acme, alice):
    with pytest.raises(ValidationError) as caught:
        _update(acme, alice, review_interval_days=2)
    assert caught.value.message_dict["review_interval_days"] == ["Review risks every 7 to 1095 days."]


@pytest.mark.parametrize("role", [Role.COMPLIANCE_OFFICER, Role.CONTRIBUTOR, Role.AUDITOR, Role.VIEWER])
def test_only_administrators_change_it(acme, make_member, role):
    someone = make_member(acme, role, f"member-{role}")
    with pytest.raises(PermissionDenied):
        _update(acme, someone, risk_appetite="high")
    assert selectors.methodology_for(acme).risk_appetite == "medium"


def test_the_page_shows_it_to_members_and_the_form_to_admins(client, acme, alice, bob, password):
    client.login(username="bob", password=password)
    page = client.get("/o/acme/risks/methodology/")
    assert page.status_code == 200
    assert 'data-testid="methodology-matrix"' in page.content.decode()
    assert 'data-testid="methodology-form"' not in page.content.decode()
    assert client.post("/o/acme/risks/methodology/", {"risk_appetite": "high"}).status_code == 403
    client.login(username="alice", password=password)
    response = client.post(
        "/o/acme/risks/methodology/",
        {
            "likelihood_labels": "Rare\nUnlikely\nPossible\nLikely",
            "impact_labels": "Minor\nModerate\nMajor\nSevere",
            "medium_from": 3,
            "high_from": 6,
            "critical_from": 12,
            "risk_appetite": "low",
            "review_interval_days": 120,
        },
    )
    assert response.status_code == 302
    methodology = selectors.methodology_for(acme)
    assert (methodology.likelihood_size, methodology.impact_size, methodology.risk_appetite) == (4, 4, "low")


def test_the_api_reads_for_members_and_writes_for_admins(api_as, acme, alice, bob, make_member):
    officer = make_member(acme, Role.COMPLIANCE_OFFICER, "olga")
    url = "/api/v1/organizations/acme/risk-methodology/"
    body = api_as(bob).get(url).json()
    assert body["likelihood_labels"][0] == "Rare" and body["bands"][-1] == {
        "level": "critical",
        "label": "Critical",
        "from": 16,
        "to": 25,
    }
    assert api_as(bob).patch(url, {"risk_appetite": "high"}).status_code == 403
    assert api_as(officer).patch(url, {"risk_appetite": "high"}).status_code == 403
    response = api_as(alice).patch(url, {"risk_appetite": "high", "high_from": 12})
    assert response.status_code == 200, response.json()
    assert (response.json()["risk_appetite"], response.json()["high_from"]) == ("high", 12)
    bad = api_as(alice).patch(url, {"medium_from": 30})
    assert bad.status_code == 400
    assert "critical_from" in bad.json()
