"""The raw-SQL floors of ``benchmarks.scale`` answer what the asset and risk API lists answer:
the same count, the same rows in the same order, every field (the runner checks this before
timing; here a field added to the API but not to its floor fails at once)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from benchmarks import scale
from controls.models import Control
from controls.selectors import ISO27001
from risks.models import Risk, RiskAsset, RiskControl
from tests.factories import (
    AIModelFactory,
    AISystemFactory,
    AssetFactory,
    AssetRelationFactory,
    RiskFactory,
    TreatmentActionFactory,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the floors are PostgreSQL SQL, as the benchmark is"
)


@pytest.fixture
def world(acme, globex, alice, bob, catalogues):
    system = AISystemFactory(organization=acme, owner=alice, name="Claims assistant")
    model = AIModelFactory(organization=acme, owner=bob, name="Claims model")
    server = AssetFactory(organization=acme, owner=alice, custodian=bob, name="Server", tags=["payments"])
    AssetRelationFactory(organization=acme, source=system, target=model)
    AssetFactory(organization=globex, name="Not ours")
    controls = list(Control.objects.order_by("framework__order", "order")[::40])
    for i in range(6):
        factory_kwargs = {"category": "ai"} if i % 2 else {}
        risk = RiskFactory(
            organization=acme, owner=alice if i % 3 else bob, title=f"Risk {i}", **factory_kwargs
        )
        RiskAsset.objects.create(organization=acme, risk=risk, asset=(system, server)[i % 2])
        for control in controls[: i % 3 + 1]:
            RiskControl.objects.create(organization=acme, risk=risk, control=control)
        if i % 2 == 0:
            TreatmentActionFactory(risk=risk, owner=bob, due_date=datetime.date(2021, 1, 1))
            TreatmentActionFactory(
                risk=risk, owner=alice, status="done", completed_on=datetime.date(2024, 5, 1)
            )
    accepted = Risk.objects.for_organization(acme).order_by("number").first()
    Risk.objects.filter(pk=accepted.pk).update(
        status="accepted", accepted_by=alice, accepted_at=timezone.now(), acceptance_justification="Fine."
    )


@pytest.mark.parametrize(
    ("path", "floor"),
    [
        ("assets/", lambda: scale._asset_floor_sql()),
        ("risks/", lambda: scale._risk_floor_sql()),
        ("risks/?category=ai", lambda: scale._risk_floor_sql("AND r.category IN ('ai', 'both')")),
        ("risks/?level=high", lambda: scale._risk_floor_sql("AND r.level = 'high'")),
    ],
)
def test_each_floor_answers_what_the_api_answers(api_as, acme, alice, world, path, floor):
    answer = api_as(alice).get(f"/api/v1/organizations/acme/{path}")
    assert answer.status_code == 200 and answer.json()["count"] > 0
    params = {"org": acme.pk, "limit": 50, "today": timezone.localdate(), "iso27001": ISO27001}
    case = scale.Case(label=path, path=path, target_ms=0, floor=scale._floor(floor(), params))
    scale._check_floor(case, answer.content)


def test_a_floor_short_of_a_field_is_refused(api_as, acme, alice, world):
    answer = api_as(alice).get("/api/v1/organizations/acme/assets/")
    lighter = scale._asset_floor_sql().replace(", a.location,", ",")
    case = scale.Case(
        label="assets", path="", target_ms=0, floor=scale._floor(lighter, {"org": acme.pk, "limit": 50})
    )
    with pytest.raises(RuntimeError, match=r"fields only in the API \['location'\]"):
        scale._check_floor(case, answer.content)
