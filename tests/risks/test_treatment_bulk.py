"""Many treatment actions at once: all or nothing, with a history row per action,
and the risks they plan move to "in treatment" as one by one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.registers.bulk import BulkError
from risks import services
from risks.models import Risk, RiskStatus, TreatmentAction
from tests.factories import RiskFactory

DUE = datetime.date(2030, 1, 1)


def _draft(risk, owner, n=0, **values):
    return services.ActionDraft(
        risk=risk, values={"description": f"Step {n}", "owner": owner, "due_date": DUE, **values}
    )


def test_bulk_actions_keep_history_and_put_risks_in_treatment(acme, alice, bob):
    risks = [RiskFactory(organization=acme, owner=alice, status="assessed") for _ in range(3)]
    closed_plan = RiskFactory(organization=acme, owner=alice, status="identified")
    drafts = [_draft(risk, alice, n) for n, risk in enumerate(risks) for _ in range(2)]
    drafts.append(_draft(closed_plan, alice, 9, status="done"))
    with CaptureQueriesContext(connection) as captured:
        created = services.treatment_action_bulk_create(organization=acme, actor=alice, drafts=drafts)
    few = len(captured)
    assert len(created) == 7
    assert TreatmentAction.history.filter(organization_id=acme.pk, history_type="+").count() == 7
    assert set(Risk.objects.filter(pk__in=[r.pk for r in risks]).values_list("status", flat=True)) == {
        RiskStatus.IN_TREATMENT
    }
    # A done action is no plan: that risk stays identified.
    assert Risk.objects.get(pk=closed_plan.pk).status == RiskStatus.IDENTIFIED
    moved = Risk.history.filter(history_change_reason="Treatment planned", history_user=alice)
    assert moved.count() == 3

    # Queries do not grow with the batch.
    more = [_draft(risk, alice, n) for n, risk in enumerate(risks) for _ in range(10)]
    with CaptureQueriesContext(connection) as captured:
        services.treatment_action_bulk_create(organization=acme, actor=alice, drafts=more)
    assert len(captured) <= few + 2


def test_one_bad_action_writes_nothing(acme, alice, charlie):
    risk = RiskFactory(organization=acme, owner=alice, status="assessed")
    closed = RiskFactory(organization=acme, owner=alice, status="closed")
    drafts = [
        _draft(risk, alice),
        _draft(risk, charlie, 1),
        _draft(closed, alice, 2),
        _draft(risk, alice, 3, due_date=None),
    ]
    with pytest.raises(BulkError) as caught:
        services.treatment_action_bulk_create(organization=acme, actor=alice, drafts=drafts)
    errors = caught.value.plan.errors
    assert errors[1]["owner"] == ["The owner must be a member of this organization."]
    assert "closed" in errors[2]["description"][0]
    assert "due_date" in errors[3]
    assert 0 not in errors
    assert not TreatmentAction.objects.filter(risk=risk).exists()
    assert Risk.objects.get(pk=risk.pk).status == "assessed"


def test_a_viewer_plans_nothing(acme, alice, bob):
    risk = RiskFactory(organization=acme, owner=alice, status="assessed")
    with pytest.raises(BulkError) as caught:
        services.treatment_action_bulk_create(organization=acme, actor=bob, drafts=[_draft(risk, alice)])
    assert "risk" in caught.value.plan.errors[0]
