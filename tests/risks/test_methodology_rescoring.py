"""Changing the methodology re-scores every risk in one transaction, and both
the methodology change and every risk's level change are in the history."""

import pytest
from django.core.exceptions import ValidationError

from risks import selectors, services
from risks.models import Level, Risk, RiskStatus


@pytest.fixture
def register(acme, alice, security_values):
    def make(title, likelihood, impact, **extra):
        values = {
            **security_values,
            "title": title,
            "inherent_likelihood": likelihood,
            "inherent_impact": impact,
        }
        return services.risk_create(organization=acme, actor=alice, values={**values, **extra})

    return {
        "nine": make("Scores nine", 3, 3),
        "twelve": make("Scores twelve", 3, 4, residual_likelihood=2, residual_impact=4),
        "two": make("Scores two", 1, 2),
    }


def test_moving_the_bands_rescores_the_stored_levels(acme, alice, register):
    assert register["nine"].level == Level.MEDIUM
    change = services.methodology_update(
        methodology=selectors.methodology_for(acme),
        actor=alice,
        values={"medium_from": 3, "high_from": 8, "critical_from": 12},
    )
    nine = Risk.objects.get(pk=register["nine"].pk)
    twelve = Risk.objects.get(pk=register["twelve"].pk)
    two = Risk.objects.get(pk=register["two"].pk)
    assert (nine.inherent_level, nine.level) == (Level.HIGH, Level.HIGH)
    assert (twelve.inherent_level, twelve.residual_level, twelve.level) == (
        Level.CRITICAL,
        Level.HIGH,
        Level.HIGH,
    )
    assert (two.inherent_level, two.level) == (Level.LOW, Level.LOW)
    assert {r.pk for r in change.rescored} == {nine.pk, twelve.pk}


def test_every_rescored_risk_gets_a_history_row_naming_the_actor(acme, alice, register):
    before = {key: risk.history.count() for key, risk in register.items()}
    services.methodology_update(
        methodology=selectors.methodology_for(acme), actor=alice, values={"high_from": 9}
    )
    nine = Risk.objects.get(pk=register["nine"].pk)
    assert nine.history.count() == before["nine"] + 1
    latest = nine.history.latest()
    assert latest.history_user == alice
    assert latest.history_change_reason == "Re-scored: methodology changed, level medium → high"
    assert latest.level == Level.HIGH
    # Risks whose level did not change are left alone.
    assert Risk.objects.get(pk=register["two"].pk).history.count() == before["two"]


def test_the_methodology_change_itself_is_in_the_history(acme, alice, register):
    methodology = selectors.methodology_for(acme)
    services.methodology_update(
        methodology=methodology,
        actor=alice,
        values={
            "risk_appetite": "high",
            "review_interval_days": 90,
            "impact_labels": ["Low", "Some", "Real", "Big", "Huge"],
        },
    )
    latest = methodology.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (alice, "Risk methodology changed")
    assert (latest.risk_appetite, latest.review_interval_days) == ("high", 90)
    assert latest.impact_labels[-1] == "Huge"


def test_an_accepted_risk_whose_level_rises_loses_its_acceptance(acme, alice, register):
    nine = services.risk_accept(risk=register["nine"], actor=alice, justification="Within appetite for now.")
    assert nine.status == RiskStatus.ACCEPTED
    change = services.methodology_update(
        methodology=selectors.methodology_for(acme), actor=alice, values={"high_from": 9}
    )
    nine = Risk.objects.get(pk=nine.pk)
    assert not nine.is_accepted and nine.status == RiskStatus.ASSESSED
    assert [r.pk for r in change.acceptances_cleared] == [nine.pk]
    assert nine.history.latest().history_change_reason.endswith("acceptance cleared")


def test_a_scale_cannot_shrink_below_the_ratings_in_use(acme, alice, register):
    methodology = selectors.methodology_for(acme)
    with pytest.raises(ValidationError) as caught:
        services.methodology_update(
            methodology=methodology,
            actor=alice,
            values={
                "likelihood_labels": ["Low", "Medium", "High"],
                "impact_labels": ["Low", "Medium", "High"],
                "medium_from": 2,
                "high_from": 4,
                "critical_from": 9,
            },
        )
    errors = caught.value.message_dict
    assert errors["impact_labels"] == [
        "1 risk rated impact up to 4; a 3-level scale cannot hold that. Re-rate it first."
    ]
    assert "likelihood_labels" not in errors
    assert selectors.methodology_for(acme).impact_size == 5


def test_a_failed_rescore_changes_nothing(acme, alice, register, monkeypatch):
    from risks.services import methodology as module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "bulk_update_with_history", broken)
    with pytest.raises(RuntimeError):
        services.methodology_update(
            methodology=selectors.methodology_for(acme), actor=alice, values={"high_from": 9}
        )
    assert selectors.methodology_for(acme).high_from == 10
    assert Risk.objects.get(pk=register["nine"].pk).level == Level.MEDIUM
