"""A risk's score is likelihood x impact, and its level comes from the methodology's bands."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from risks import selectors, services
from risks.models import Level, RiskMethodology


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "level"),
    [
        (1, 1, 1, Level.LOW),
        (1, 3, 3, Level.LOW),
        (2, 2, 4, Level.MEDIUM),
        (3, 3, 9, Level.MEDIUM),
        (2, 5, 10, Level.HIGH),
        (5, 3, 15, Level.HIGH),
        (4, 4, 16, Level.CRITICAL),
        (5, 5, 25, Level.CRITICAL),
    ],
)
def test_the_default_matrix_scores_and_bands(acme, alice, security_values, likelihood, impact, score, level):
    values = {**security_values, "inherent_likelihood": likelihood, "inherent_impact": impact}
    risk = services.risk_create(organization=acme, actor=alice, values=values)
    assert (risk.inherent_score, risk.inherent_level) == (score, level)
    assert (risk.score, risk.level) == (score, level)


def test_the_methodology_is_created_with_defaults_with_the_organization(acme):
    assert RiskMethodology.objects.filter(organization=acme).count() == 1
    methodology = selectors.methodology_for(acme)
    assert methodology.likelihood_labels == ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    assert methodology.impact_labels == ["Negligible", "Minor", "Moderate", "Major", "Severe"]
    assert [(b.level, b.low, b.high) for b in methodology.bands] == [
        ("low", 1, 3),
        ("medium", 4, 9),
        ("high", 10, 15),
        ("critical", 16, 25),
    ]
    assert (methodology.risk_appetite, methodology.review_interval_days) == ("medium", 180)
    assert selectors.methodology_for(acme).pk == methodology.pk


def test_the_residual_rating_becomes_the_current_one(acme, alice, security_values):
    values = {**security_values, "residual_likelihood": 2, "residual_impact": 2}
    risk = services.risk_create(organization=acme, actor=alice, values=values)
    assert (risk.inherent_score, risk.inherent_level) == (12, Level.HIGH)
    assert (risk.residual_score, risk.residual_level) == (4, Level.MEDIUM)
    assert (risk.score, risk.level) == (4, Level.MEDIUM)


def test_ratings_outside_the_scale_are_refused_per_field(acme, alice, security_values):
    values = {**security_values, "inherent_likelihood": 6, "inherent_impact": 0, "residual_likelihood": 2}
    with pytest.raises(ValidationError) as caught:
        services.risk_create(organization=acme, actor=alice, values=values)
    errors = caught.value.message_dict
    assert errors["inherent_likelihood"] == ["The likelihood scale runs from 1 to 5."]
    assert errors["inherent_impact"] == ["The impact scale runs from 1 to 5."]
    assert errors["residual_impact"] == ["Rate both residual likelihood and impact, or neither."]


def test_a_residual_above_the_inherent_needs_a_rationale(acme, alice, security_values):
    values = {**security_values, "residual_likelihood": 4, "residual_impact": 4}
    with pytest.raises(ValidationError) as caught:
        services.risk_create(organization=acme, actor=alice, values=values)
    assert "above the inherent one" in caught.value.message_dict["residual_rationale"][0]
    values["residual_rationale"] = "The vendor contract moves the data to a less protected region."
    risk = services.risk_create(organization=acme, actor=alice, values=values)
    assert risk.residual_score == 16


def test_the_category_decides_which_fields_are_required(acme, alice, security_values):
    with pytest.raises(ValidationError) as caught:
        services.risk_create(
            organization=acme,
            actor=alice,
            values={**security_values, "category": "both", "threat": "", "affects_availability": False},
        )
    errors = caught.value.message_dict
    assert set(errors) == {"threat", "affects_confidentiality", "ai_harm_area"}
    with pytest.raises(ValidationError) as caught:
        services.risk_create(
            organization=acme, actor=alice, values={**security_values, "ai_harm_area": "privacy"}
        )
    assert "choose the category “both”" in caught.value.message_dict["ai_harm_area"][0]
    ai_risk = services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": "Triage model treats second-language claimants worse",
            "category": "ai",
            "ai_harm_area": "fairness_bias",
            "owner": alice,
            "inherent_likelihood": 3,
            "inherent_impact": 3,
        },
    )
    assert ai_risk.is_ai and not ai_risk.is_security


def test_references_count_up_per_organization(acme, globex, alice, charlie, security_values):
    first = services.risk_create(organization=acme, actor=alice, values=security_values)
    second = services.risk_create(organization=acme, actor=alice, values=security_values)
    other = services.risk_create(
        organization=globex, actor=charlie, values={**security_values, "owner": charlie}
    )
    assert (first.reference, second.reference, other.reference) == ("R-001", "R-002", "R-001")


def test_the_next_review_follows_the_interval_when_not_given(acme, alice, security_values):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values)
    assert risk.next_review_date == timezone.localdate() + datetime.timedelta(days=180)
    chosen = datetime.date(2031, 3, 1)
    risk = services.risk_create(
        organization=acme, actor=alice, values={**security_values, "next_review_date": chosen}
    )
    assert risk.next_review_date == chosen


def test_a_smaller_matrix_scores_on_its_own_scales(acme, alice, security_values):
    methodology = selectors.methodology_for(acme)
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
    risk = services.risk_create(
        organization=acme,
        actor=alice,
        values={**security_values, "inherent_likelihood": 2, "inherent_impact": 3},
    )
    assert (risk.inherent_score, risk.inherent_level) == (6, Level.HIGH)
    with pytest.raises(ValidationError) as caught:
        services.risk_create(
            organization=acme, actor=alice, values={**security_values, "inherent_likelihood": 4}
        )
    assert caught.value.message_dict["inherent_likelihood"] == ["The likelihood scale runs from 1 to 3."]
