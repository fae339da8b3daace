"""Deleting a record says first what it affects, refuses where signed work
depends on it, and leaves in every affected record's history what happened and
what the deleted record was called (``core.deletion``)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import RestrictedError

from assets import services as asset_services
from assets.models import Asset, AssetRelation
from assets.selectors import asset_related_history
from core.deletion import DeletionRefused, deletion_impact, record_delete_with_impact
from core.history import history_for
from core.roles import Role
from risks import services
from risks.models import ImpactAssessment, ImpactItem, Risk, RiskAsset, TreatmentAction
from risks.selectors import risk_related_history
from tests.factories import (
    AISystemFactory,
    AssetFactory,
    AssetRelationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def payroll(acme, alice):
    return AssetFactory(organization=acme, owner=alice, name="Payroll DB", identifier="AST-0007")


@pytest.fixture
def system(acme, alice):
    return AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")


def _risk(acme, alice, *, assets=(), title="Ransomware encrypts payroll"):
    return services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": title,
            "category": "information_security",
            "threat": "Ransomware",
            "vulnerability": "Unpatched hypervisor",
            "affects_availability": True,
            "owner": alice,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
        },
        assets=assets,
    )


def _assessment(acme, alice, system, *, sign=False):
    assessment = services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=system, values={"owner": alice, "scope": "Claims triage."}
    )
    services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": "fairness",
            "affected_party": "groups",
            "description": "Claims in a second language are scored lower.",
            "severity": 4,
            "likelihood": 3,
        },
    )
    if sign:
        services.impact_assessment_update(
            assessment=assessment, actor=alice, values={"summary": "Acceptable."}
        )
        services.impact_assessment_sign_off(assessment=assessment, actor=alice)
    return assessment


def test_the_impact_of_deleting_an_asset_lists_risks_and_relations(acme, alice, payroll, system):
    risk = _risk(acme, alice, assets=[payroll])
    AssetRelationFactory(organization=acme, source=system, target=payroll, type="uses")
    impact = deletion_impact(payroll, actor=alice)
    assert not impact.is_refused
    assert impact.label == "Asset AST-0007 Payroll DB"
    assert [(e.kind, e.label, e.effect) for e in impact.changes] == [
        ("asset relation", "Asset relation AST-0002 Claims assistant uses AST-0007 Payroll DB", "is removed"),
        ("risk", f"Risk {risk.reference} Ransomware encrypts payroll", "loses this affected asset"),
    ]


def test_a_risk_history_names_the_deleted_asset(acme, alice, payroll):
    risk = _risk(acme, alice, assets=[payroll])
    asset_services.asset_delete(asset=payroll, actor=alice)
    assert not Asset.objects.filter(pk=payroll.pk).exists()
    assert not RiskAsset.objects.filter(risk=risk).exists()
    unlinked = [e for e in risk_related_history(risk.pk) if e.action.startswith("Unlinked")]
    assert len(unlinked) == 1
    assert unlinked[0].reason == "Asset AST-0007 Payroll DB was deleted and unlinked"
    assert unlinked[0].changes[0].old == "AST-0007 Payroll DB (deleted)"
    assert "#" not in unlinked[0].changes[0].old


def test_the_risk_history_page_says_what_was_deleted(client, acme, alice, payroll, password):
    risk = _risk(acme, alice, assets=[payroll])
    asset_services.asset_delete(asset=payroll, actor=alice)
    client.login(username="alice", password=password)
    page = client.get(f"/o/acme/risks/{risk.pk}/history/").content.decode()
    assert "Asset AST-0007 Payroll DB was deleted and unlinked" in page
    assert "(deleted)" in page and f"#{payroll.pk}" not in page


def test_relations_are_removed_with_a_reason_that_names_the_asset(acme, alice, payroll, system):
    relation = asset_services.asset_relation_create(
        organization=acme, actor=alice, source=system, target=payroll, type="uses"
    )
    asset_services.asset_delete(asset=payroll, actor=alice)
    # The asset at the other end says so in its own history.
    unlinked = [e for e in asset_related_history(system.pk) if e.action == "Unlinked"]
    assert [(e.reason, e.changes[0].old) for e in unlinked] == [
        ("Asset AST-0007 Payroll DB was deleted and unlinked", "Uses AST-0007 Payroll DB (deleted)")
    ]
    assert not AssetRelation.objects.filter(pk=relation.pk).exists()
    gone = AssetRelation.history.filter(id=relation.pk).latest()
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-",
        alice,
        "Asset AST-0007 Payroll DB was deleted and unlinked",
    )


def test_a_signed_off_assessment_refuses_the_delete_of_its_ai_system(acme, alice, system):
    assessment = _assessment(acme, alice, system, sign=True)
    with pytest.raises(DeletionRefused) as refused:
        asset_services.asset_delete(asset=system, actor=alice)
    assert str(assessment) in refused.value.messages[0]
    assert "is signed off" in refused.value.messages[0]
    assert Asset.objects.filter(pk=system.pk).exists()
    assert ImpactAssessment.objects.filter(pk=assessment.pk).exists()


def test_a_draft_assessment_goes_with_its_ai_system_and_its_history_says_why(acme, alice, system):
    assessment = _assessment(acme, alice, system)
    item = assessment.items.get()
    asset_services.asset_delete(asset=system, actor=alice)
    assert not ImpactAssessment.objects.filter(pk=assessment.pk).exists()
    assert not ImpactItem.objects.filter(pk=item.pk).exists()
    for model, pk in ((ImpactAssessment, assessment.pk), (ImpactItem, item.pk)):
        gone = model.history.filter(id=pk).latest()
        assert (gone.history_type, gone.history_change_reason) == (
            "-",
            "Asset AST-0002 Claims assistant was deleted",
        )


def test_a_risk_named_by_a_signed_off_assessment_cannot_be_deleted(acme, alice, system):
    assessment = _assessment(acme, alice, system, sign=True)
    risk = services.impact_item_raise_risk(item=assessment.items.get(), actor=alice)
    impact = deletion_impact(risk, actor=alice)
    assert impact.is_refused
    with pytest.raises(DeletionRefused, match="is signed off"):
        services.risk_delete(risk=risk, actor=alice)
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert ImpactItem.objects.get(assessment=assessment).risk_id == risk.pk


def test_deleting_a_risk_unlinks_draft_impacts_and_deletes_its_plan(acme, alice, system):
    assessment = _assessment(acme, alice, system)
    item = assessment.items.get()
    risk = services.impact_item_raise_risk(item=item, actor=alice)
    action = services.treatment_action_create(
        risk=risk, actor=alice, values={"description": "Retrain", "owner": alice, "due_date": "2030-01-01"}
    )
    effects = {(e.kind, e.effect) for e in deletion_impact(risk).changes}
    assert effects == {
        ("treatment action", "is deleted with it"),
        ("affected asset", "is removed"),
        ("impact", "loses the link to it"),
    }
    services.risk_delete(risk=risk, actor=alice)
    assert not TreatmentAction.objects.filter(pk=action.pk).exists()
    item.refresh_from_db()
    assert item.risk_id is None
    reason = f"Risk {risk.reference} {risk.title} was deleted and unlinked"
    assert history_for(item)[0].reason == reason


def test_the_confirm_pages_show_the_impact_before_the_user_confirms(client, acme, alice, payroll, password):
    risk = _risk(acme, alice, assets=[payroll])
    client.login(username="alice", password=password)
    page = client.get(f"/o/acme/assets/{payroll.pk}/delete/").content.decode()
    assert 'data-testid="deletion-impact"' in page and f"Risk {risk.reference}" in page
    page = client.get(f"/o/acme/risks/{risk.pk}/delete/").content.decode()
    assert 'data-testid="deletion-impact"' in page and "AST-0007 Payroll DB" in page


def test_a_refused_delete_shows_the_blockers_and_keeps_the_record(client, acme, alice, system, password):
    _assessment(acme, alice, system, sign=True)
    client.login(username="alice", password=password)
    page = client.get(f"/o/acme/assets/{system.pk}/delete/").content.decode()
    assert 'data-testid="deletion-refused"' in page and "disabled" in page
    answer = client.post(f"/o/acme/assets/{system.pk}/delete/")
    assert answer.status_code == 409 and 'data-testid="deletion-blocker"' in answer.content.decode()
    assert Asset.objects.filter(pk=system.pk).exists()


def test_the_api_answers_a_refused_delete_with_409_and_the_blockers(api_as, acme, alice, system):
    assessment = _assessment(acme, alice, system, sign=True)
    answer = api_as(alice).delete(f"/api/v1/organizations/acme/assets/{system.pk}/")
    assert answer.status_code == 409
    body = answer.json()
    assert body["detail"].startswith("Asset AST-0002 Claims assistant cannot be deleted")
    assert body["blocking"] == [
        {"kind": "AI system impact assessment", "label": str(assessment), "reason": "is signed off"}
    ]


def test_only_those_who_may_edit_the_asset_delete_it(acme, alice, payroll):
    viewer = UserFactory(username="vera")
    MembershipFactory(organization=acme, user=viewer, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        asset_services.asset_delete(asset=payroll, actor=viewer)
    assert Asset.objects.filter(pk=payroll.pk).exists()


def test_a_bare_orm_delete_of_a_linked_asset_is_protected(acme, alice, payroll):
    _risk(acme, alice, assets=[payroll])
    with pytest.raises(RestrictedError):
        Asset.objects.filter(pk=payroll.pk).delete()


def test_a_frozen_record_itself_refuses_the_kernel_delete(acme, alice, system):
    assessment = _assessment(acme, alice, system, sign=True)
    with pytest.raises(DeletionRefused) as refused:
        record_delete_with_impact(assessment, actor=alice)
    assert refused.value.messages == [
        f"{assessment} cannot be deleted: {assessment} is frozen (signed off, approved or closed)."
    ]
    assert ImpactAssessment.objects.filter(pk=assessment.pk).exists()


def test_the_draft_assessment_confirm_page_lists_its_impacts(client, acme, alice, system, password):
    assessment = _assessment(acme, alice, system)
    client.login(username="alice", password=password)
    page = client.get(f"/o/acme/risks/impact-assessments/{assessment.pk}/delete/").content.decode()
    assert 'data-testid="deletion-impact"' in page
    assert "Claims in a second language are scored lower." in page and "is deleted with it" in page
