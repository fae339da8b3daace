"""Frozen records refuse change at the model layer (``core.freezing``), whatever
path the change takes: save, delete, QuerySet.update and delete, bulk_update,
a cascade from another record, the admin, the API. Signed-off impact
assessments are the first frozen records; reassessing still works."""

import pytest
from django.db import transaction
from django.db.models import RestrictedError

from core.freezing import RecordFrozen
from core.roles import Role
from organizations.models import Organization
from risks import services
from risks.models import AssessmentStatus, ImpactAssessment, ImpactItem, ImpactReviewer
from tests.factories import AISystemFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def olivia(acme):
    user = UserFactory(username="olivia", first_name="Olivia", last_name="Ortiz")
    MembershipFactory(organization=acme, user=user, role=Role.COMPLIANCE_OFFICER)
    return user


@pytest.fixture
def acme_ai(acme, alice):
    return AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")


@pytest.fixture
def signed(acme, alice, acme_ai, olivia):
    assessment = services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=acme_ai,
        values={"owner": alice, "scope": "Claims triage in production."},
    )
    services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": "privacy",
            "affected_party": "individuals",
            "description": "Health details reach a vendor.",
            "severity": 4,
            "likelihood": 2,
        },
    )
    services.impact_reviewers_set(assessment=assessment, actor=alice, users=[olivia])
    services.impact_review_record(assessment=assessment, actor=olivia, comment="Checked.")
    services.impact_assessment_update(assessment=assessment, actor=alice, values={"summary": "Acceptable."})
    return services.impact_assessment_sign_off(assessment=assessment, actor=alice, note="OK")


@pytest.fixture
def draft(acme, alice):
    system = AISystemFactory(organization=acme, owner=alice, name="Fraud scorer", identifier="AST-0009")
    return services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=system, values={"owner": alice, "scope": "Scoring."}
    )


def test_the_sign_off_itself_saves_and_freezes_the_version(signed):
    assert ImpactAssessment.objects.frozen().filter(pk=signed.pk).exists()
    assert signed.is_frozen_in_database()


def test_save_of_a_frozen_record_is_refused(signed):
    signed.scope = "Rewritten after the fact."
    with pytest.raises(RecordFrozen, match="signed off and frozen"):
        signed.save()
    assert ImpactAssessment.objects.get(pk=signed.pk).scope == "Claims triage in production."


def test_an_edited_copy_cannot_unfreeze_the_stored_row(signed):
    copy = ImpactAssessment.objects.get(pk=signed.pk)
    copy.status = AssessmentStatus.DRAFT
    copy.summary = "Never mind."
    with pytest.raises(RecordFrozen):
        copy.save(update_fields=["status", "summary"])
    assert ImpactAssessment.objects.get(pk=signed.pk).status == AssessmentStatus.SIGNED_OFF


def test_delete_of_a_frozen_record_is_refused(signed):
    with pytest.raises(RecordFrozen):
        signed.delete()
    with pytest.raises(RecordFrozen):
        signed.items.get().delete()
    with pytest.raises(RecordFrozen):
        signed.reviewer_links.get().delete()
    assert ImpactAssessment.objects.filter(pk=signed.pk).exists()


def test_queryset_update_and_delete_touching_a_frozen_row_are_refused(signed, draft):
    both = ImpactAssessment.objects.filter(pk__in=[signed.pk, draft.pk])
    with pytest.raises(RecordFrozen):
        both.update(scope="Bulk rewrite")
    with pytest.raises(RecordFrozen):
        both.delete()
    with pytest.raises(RecordFrozen):
        ImpactItem.objects.filter(assessment=signed).update(severity=1)
    assert ImpactAssessment.objects.filter(scope="Bulk rewrite").count() == 0
    # Drafts alone still change.
    assert ImpactAssessment.objects.filter(pk=draft.pk).update(scope="Scoring, all markets.") == 1


def test_bulk_update_touching_a_frozen_row_is_refused(signed, draft):
    signed.scope = draft.scope = "Bulk rewrite"
    with pytest.raises(RecordFrozen):
        ImpactAssessment.objects.bulk_update([signed, draft], ["scope"])
    item = ImpactItem.objects.get(assessment=signed)
    item.severity = 1
    with pytest.raises(RecordFrozen):
        ImpactItem.objects.bulk_update([item], ["severity"])
    assert not ImpactAssessment.objects.filter(scope="Bulk rewrite").exists()
    assert ImpactItem.objects.get(pk=item.pk).severity == 4


def test_a_cascade_from_another_record_is_refused_as_a_whole(acme, signed):
    # Deleting the organization would cascade to the signed-off assessment: nothing goes.
    with pytest.raises(RecordFrozen), transaction.atomic():
        Organization.objects.filter(pk=acme.pk).delete()
    assert Organization.objects.filter(pk=acme.pk).exists()
    assert ImpactAssessment.objects.filter(pk=signed.pk).exists()
    assert ImpactItem.objects.filter(assessment=signed).count() == 1
    assert ImpactReviewer.objects.filter(assessment=signed).count() == 1


def test_deleting_the_ai_system_outside_the_service_is_restricted(signed):
    with pytest.raises(RestrictedError):
        signed.ai_system.delete()


def test_the_link_to_a_raised_risk_stays_writable_on_a_frozen_impact(acme, alice, signed):
    item = signed.items.get()
    risk = services.impact_item_raise_risk(item=item, actor=alice)
    assert ImpactItem.objects.get(pk=item.pk).risk == risk
    item.severity = 1
    with pytest.raises(RecordFrozen):
        item.save(update_fields=["severity", "risk", "updated_at"])


def test_reassessing_starts_an_editable_version_and_leaves_the_signed_one(acme, alice, signed):
    second = services.impact_assessment_reassess(assessment=signed, actor=alice)
    assert (second.version, second.status, second.items.count()) == (2, AssessmentStatus.DRAFT, 1)
    services.impact_assessment_update(assessment=second, actor=alice, values={"scope": "Also the chatbot."})
    services.impact_item_update(item=second.items.get(), actor=alice, values={"severity": 2})
    assert ImpactAssessment.objects.get(pk=signed.pk).scope == "Claims triage in production."
    assert ImpactItem.objects.get(assessment=signed).severity == 4


def test_the_api_answers_a_frozen_change_with_400_and_the_message(api_as, alice, signed):
    base = "/api/v1/organizations/acme"
    answer = api_as(alice).patch(f"{base}/impact-assessments/{signed.pk}/", {"scope": "Changed"})
    assert answer.status_code == 400
    assert answer.json() == {"detail": ImpactAssessment.frozen_message}
    item = signed.items.get()
    assert api_as(alice).delete(f"{base}/impact-items/{item.pk}/").status_code == 400
    assert api_as(alice).delete(f"{base}/impact-assessments/{signed.pk}/").json() == {
        "detail": ImpactAssessment.frozen_message
    }
    assert ImpactAssessment.objects.filter(pk=signed.pk).exists()


def test_the_admin_offers_no_change_or_delete_of_a_frozen_record(client, signed, draft):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client.login(username="root", password="correct-horse-battery-staple")
    url = f"/admin/risks/impactassessment/{signed.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/risks/impactassessment/",
        {"action": "delete_selected", "_selected_action": [signed.pk, draft.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert ImpactAssessment.objects.filter(pk=signed.pk).exists()
    # A draft is not frozen: the admin may delete it.
    assert (
        client.post(f"/admin/risks/impactassessment/{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert not ImpactAssessment.objects.filter(pk=draft.pk).exists()
