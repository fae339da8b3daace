"""Every change to a risk, its links and its plan is kept with the acting user."""

import pytest

from controls.models import Control
from risks import services
from risks.models import Risk, RiskAsset, RiskControl, TreatmentAction


@pytest.fixture
def controls(catalogues):
    return (
        Control.objects.get(framework__code="iso27001-2022", reference="8.7"),
        Control.objects.get(framework__code="iso42001-2023", reference="A.6.2.8"),
    )


def test_creating_and_changing_a_risk_names_the_actor(acme, alice, olivia, security_values):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values)
    services.risk_update(risk=risk, actor=olivia, values={"inherent_impact": 5})
    records = list(Risk.history.filter(id=risk.pk).order_by("history_date"))
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in records] == [
        ("+", alice, "Risk recorded"),
        ("~", olivia, "Risk changed"),
    ]
    assert records[-1].inherent_score == 15 and records[-1].inherent_level == "high"


def test_linking_and_unlinking_controls_and_assets_is_kept(
    acme, alice, olivia, security_values, controls, acme_server
):
    risk = services.risk_create(
        organization=acme, actor=alice, values=security_values, controls=controls, assets=[acme_server]
    )
    services.risk_update(risk=risk, actor=olivia, values={}, controls=[controls[0]], assets=[])
    control_rows = list(RiskControl.history.filter(risk_id=risk.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.control_id, r.history_user) for r in control_rows] == [
        ("+", controls[0].pk, alice),
        ("+", controls[1].pk, alice),
        ("-", controls[1].pk, olivia),
    ]
    asset_rows = list(RiskAsset.history.filter(risk_id=risk.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user) for r in asset_rows] == [("+", alice), ("-", olivia)]


def test_the_plan_and_the_review_are_kept(acme, alice, olivia, security_values):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values)
    action = services.treatment_action_create(
        risk=risk, actor=alice, values={"description": "Patch", "owner": olivia, "due_date": "2030-01-01"}
    )
    services.treatment_action_complete(action=action, actor=olivia)
    services.risk_review_record(risk=Risk.objects.get(pk=risk.pk), actor=olivia, note="Quarterly review")
    rows = list(TreatmentAction.history.filter(id=action.pk).order_by("history_date", "history_id"))
    assert [(r.history_user, r.history_change_reason, r.status) for r in rows] == [
        (alice, "Treatment action planned", "open"),
        (olivia, "Treatment action completed", "done"),
    ]
    latest = Risk.history.filter(id=risk.pk).latest()
    assert (latest.history_user, latest.history_change_reason) == (olivia, "Reviewed: Quarterly review")


def test_a_deleted_risk_keeps_its_history_and_who_deleted_it(acme, alice, security_values, controls):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values, controls=controls)
    pk = risk.pk
    services.risk_delete(risk=risk, actor=alice)
    assert not Risk.objects.filter(pk=pk).exists()
    deleted = Risk.history.filter(id=pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", alice)
    assert RiskControl.history.filter(risk_id=pk, history_type="-").count() == 2


def test_the_history_page_weaves_in_links_and_actions(
    client, acme, alice, security_values, controls, password
):
    risk = services.risk_create(organization=acme, actor=alice, values=security_values, controls=controls)
    services.treatment_action_create(
        risk=risk,
        actor=alice,
        values={"description": "Patch the hypervisors", "owner": alice, "due_date": "2030-01-01"},
    )
    client.login(username="alice", password=password)
    page = client.get(f"/o/acme/risks/{risk.pk}/history/").content.decode()
    assert "added a treatment control to this risk" in page
    assert "ISO27001:8.7 Protection against malware" in page
    assert "planned an action for this risk" in page and "Patch the hypervisors" in page
    api = client.get(f"/api/v1/organizations/acme/risks/{risk.pk}/history/").json()["results"]
    assert api[-1]["who"] == "Alice Archer" and api[-1]["action"] == "Created"
