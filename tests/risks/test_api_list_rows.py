"""The risk API list is read with ``.values()`` (``core.api.lists``, issue 14); for every
filter, ordering and page size its answer must be, item by item, what DRF's generic list
answers through ``ModelSerializer`` for the same request — so that a field added to the
serializer but not to the list rows fails here."""

import datetime

import pytest
from django.utils import timezone
from rest_framework import mixins, serializers

from controls.models import Control
from risks.api import RiskViewSet
from risks.models import Risk, RiskAsset, RiskControl
from risks.serializers import RiskSerializer
from tests.factories import (
    AIRiskFactory,
    AISystemFactory,
    AssetFactory,
    MembershipFactory,
    RiskFactory,
    TreatmentActionFactory,
    UserFactory,
)

URL = "/api/v1/organizations/acme/risks/"

QUERIES = [
    {},
    {"page": "2"},
    {"page_size": "500"},
    {"page_size": "9", "page": "4"},
    {"category": "ai"},
    {"category": "information_security", "page_size": "500"},
    {"level": "high"},
    {"level": ["medium", "critical"], "ordering": "-inherent_score"},
    {"residual_level": "low"},
    {"status": "open"},
    {"status": "accepted"},
    {"treatment": "modify"},
    {"ordering": "-level"},
    {"ordering": "owner", "page_size": "500"},
    {"ordering": "residual_score"},
    {"ordering": "-next_review_date"},
    {"above_appetite": "true"},
    {"accepted": "true"},
    {"review_overdue": "true"},
    {"search": "model"},
    {"mine": "false"},
    {"ai_harm_area": "privacy"},
]


@pytest.fixture
def register(acme, globex, alice, bob, catalogues):
    """Risks of every category with assets, controls, treatment actions (open, overdue,
    done), residual ratings or none, accepted or not, owners with and without a name."""
    nameless = UserFactory(username="nameless", first_name="", last_name="")
    MembershipFactory(organization=acme, user=nameless)
    owners = [alice, bob, nameless]
    assets = [AssetFactory(organization=acme, owner=alice, name=f"Server {i % 4}") for i in range(6)]
    assets += [AISystemFactory(organization=acme, owner=bob, name=f"Scoring model {i}") for i in range(4)]
    controls = list(Control.objects.order_by("framework__order", "order")[:40])
    harms = ["fairness_bias", "privacy", "safety", "transparency_explainability"]
    treatments = ["modify", "retain", "avoid", "share"]
    statuses = ["identified", "assessed", "in_treatment", "closed"]
    for i in range(64):
        factory = AIRiskFactory if i % 3 == 0 else RiskFactory
        extra = {"ai_harm_area": harms[i % 4]} if i % 3 == 0 else {}
        if i % 7 == 0:
            extra["category"] = "both"
            extra["ai_harm_area"] = "privacy"
        risk = factory(
            organization=acme,
            owner=owners[i % 3],
            title=f"Model drift {i}" if i % 5 == 0 else f"Risk {i}",
            description="" if i % 2 else f"What could go wrong, case {i}.",
            inherent_likelihood=i % 5 + 1,
            inherent_impact=(i * 3) % 5 + 1,
            residual_likelihood=(i % 3) + 1 if i % 2 else None,
            residual_impact=(i % 4) + 1 if i % 2 else None,
            residual_rationale="Controls in place." if i % 2 else "",
            treatment=treatments[i % 4],
            treatment_plan=f"Plan {i}" if i % 3 else "",
            status=statuses[i % 4],
            next_review_date=datetime.date(2020, 1, 1) if i % 6 == 0 else datetime.date(2100, 1, 1 + i % 28),
            **extra,
        )
        for asset in assets[i % 10 : i % 10 + i % 3]:
            RiskAsset.objects.create(organization=acme, risk=risk, asset=asset)
        for control in controls[i % 40 : i % 40 + i % 4]:
            RiskControl.objects.create(organization=acme, risk=risk, control=control)
        if i % 2:
            TreatmentActionFactory(risk=risk, owner=owners[(i + 1) % 3], due_date=datetime.date(2021, 1, 1))
            TreatmentActionFactory(
                risk=risk,
                owner=alice,
                status="done",
                due_date=datetime.date(2024, 2, 1),
                completed_on=datetime.date(2024, 5, 1),
                completion_note="Done and verified.",
            )
        if i % 5 == 1:
            TreatmentActionFactory(risk=risk, owner=nameless, status="in_progress")
        if i % 9 == 4:
            Risk.objects.filter(pk=risk.pk).update(
                status="accepted",
                accepted_by=alice if i % 2 else None,
                accepted_at=timezone.now() - datetime.timedelta(days=i),
                acceptance_justification=f"Within appetite, case {i}.",
                accepted_score=risk.score,
                accepted_level=risk.level,
                accepted_above_appetite=bool(i % 2),
                last_reviewed_on=datetime.date(2024, 6, 1),
            )
    # Another organization's register must not leak in.
    outsider = UserFactory(username="outsider")
    MembershipFactory(organization=globex, user=outsider)
    theirs = RiskFactory(organization=globex, owner=outsider)
    TreatmentActionFactory(risk=theirs, owner=outsider)


def _answer(client, params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def _name(params) -> str:
    return "&".join(f"{key}={value}" for key, value in params.items()) or "default"


@pytest.mark.parametrize("params", QUERIES, ids=_name)
def test_the_list_answers_what_the_serializer_answers(api_as, alice, register, monkeypatch, params):
    client = api_as(alice)
    fast = _answer(client, params)
    monkeypatch.setattr(RiskViewSet, "list", mixins.ListModelMixin.list)
    monkeypatch.setattr(RiskSerializer, "to_representation", serializers.ModelSerializer.to_representation)
    generic = _answer(client, params)

    assert fast["count"] == generic["count"]
    assert (fast["next"], fast["previous"]) == (generic["next"], generic["previous"])
    assert [row["id"] for row in fast["results"]] == [row["id"] for row in generic["results"]]
    for mine, theirs in zip(fast["results"], generic["results"], strict=True):
        assert list(mine) == list(theirs), f"risk {mine['reference']}: the fields or their order differ"
        assert mine == theirs, f"risk {mine['reference']}"


def test_the_register_exercises_what_the_rows_carry(api_as, alice, register):
    rows = _answer(api_as(alice), {"page_size": "500"})["results"]
    assert len(rows) == 64
    assert {row["category"] for row in rows} == {"ai", "information_security", "both"}
    assert any(len(row["affected_assets"]) == 2 for row in rows)
    assert any(len(row["controls"]) == 3 for row in rows)
    assert any(row["residual_level"] is None for row in rows) and any(row["residual_level"] for row in rows)
    accepted = [row["acceptance"] for row in rows if row["acceptance"]]
    assert accepted and {a["accepted_by"] for a in accepted} == {"alice", None}
    actions = [action for row in rows for action in row["actions"]]
    assert {a["is_overdue"] for a in actions} == {True, False}
    assert any(a["owner_name"] == "nameless" for a in actions)
    assert {row["above_appetite"] for row in rows} == {True, False}
