"""Signing off freezes an assessment version; reassessing starts the next
version from a copy, and the signed-off one stays readable as it was."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risks import services
from risks.models import ImpactAssessment, ImpactItem


@pytest.fixture
def draft(acme, alice, acme_ai):
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
    return assessment


def _sign(assessment, actor, summary="Acceptable with the mitigations."):
    services.impact_assessment_update(assessment=assessment, actor=actor, values={"summary": summary})
    return services.impact_assessment_sign_off(assessment=assessment, actor=actor, note="OK")


def test_sign_off_needs_a_conclusion_and_every_named_review(acme, alice, olivia, draft):
    services.impact_reviewers_set(assessment=draft, actor=alice, users=[olivia])
    with pytest.raises(ValidationError) as caught:
        services.impact_assessment_sign_off(assessment=draft, actor=alice)
    errors = caught.value.message_dict
    assert errors["summary"] == ["Write the assessment's conclusion before signing it off."]
    assert errors["reviewers"] == ["Waiting for the review of Olivia Ortiz."]
    services.impact_review_record(assessment=draft, actor=olivia, comment="Checked against the pilot data.")
    signed = _sign(draft, alice)
    assert signed.is_frozen and signed.signed_off_by == alice


def test_only_approvers_sign_off(acme, carol, alice, draft):
    services.impact_assessment_update(assessment=draft, actor=alice, values={"summary": "Fine."})
    with pytest.raises(PermissionDenied):
        services.impact_assessment_sign_off(assessment=draft, actor=carol)


def test_a_signed_off_version_is_frozen(acme, alice, draft):
    _sign(draft, alice)
    item = draft.items.get()
    with pytest.raises(ValidationError):
        services.impact_assessment_update(assessment=draft, actor=alice, values={"scope": "Changed"})
    with pytest.raises(ValidationError):
        services.impact_item_update(item=item, actor=alice, values={"severity": 1})
    with pytest.raises(ValidationError):
        services.impact_item_create(
            assessment=draft,
            actor=alice,
            values={
                "area": "safety",
                "affected_party": "society",
                "description": "x",
                "severity": 1,
                "likelihood": 1,
            },
        )
    with pytest.raises(ValidationError):
        services.impact_item_delete(item=item, actor=alice)
    with pytest.raises(ValidationError):
        services.impact_assessment_delete(assessment=draft, actor=alice)
    assert ImpactItem.objects.get(pk=item.pk).severity == 4


def test_reassessing_copies_items_links_and_reviewers_into_the_next_version(acme, alice, olivia, draft):
    services.impact_reviewers_set(assessment=draft, actor=alice, users=[olivia])
    services.impact_review_record(assessment=draft, actor=olivia, comment="Fine.")
    risk = services.impact_item_raise_risk(item=draft.items.get(), actor=alice)
    _sign(draft, alice)
    second = services.impact_assessment_reassess(assessment=draft, actor=alice)
    assert (second.version, second.previous, second.status) == (2, draft, "draft")
    assert second.scope == draft.scope
    copied = second.items.get()
    assert (copied.description, copied.severity, copied.risk) == ("Health details reach a vendor.", 4, risk)
    reviewer = second.reviewer_links.get()
    assert (reviewer.user, reviewer.reviewed_at, reviewer.comment) == (olivia, None, "")
    # The new version changes; the signed-off one does not.
    services.impact_item_update(item=copied, actor=alice, values={"severity": 2})
    first = ImpactAssessment.objects.get(pk=draft.pk)
    assert first.is_frozen and first.items.get().severity == 4


def test_only_the_latest_signed_off_version_is_reassessed(acme, alice, draft):
    with pytest.raises(ValidationError):
        services.impact_assessment_reassess(assessment=draft, actor=alice)  # still a draft
    _sign(draft, alice)
    services.impact_assessment_reassess(assessment=draft, actor=alice)
    with pytest.raises(ValidationError):
        services.impact_assessment_reassess(assessment=ImpactAssessment.objects.get(pk=draft.pk), actor=alice)


def test_an_ai_system_has_one_series_and_only_ai_systems_are_assessed(
    acme, alice, acme_ai, acme_server, draft
):
    with pytest.raises(ValidationError) as caught:
        services.impact_assessment_create(
            organization=acme, actor=alice, ai_system=acme_ai, values={"owner": alice, "scope": "Again"}
        )
    assert "reassess it" in caught.value.message_dict["ai_system"][0]
    with pytest.raises(ValidationError) as caught:
        services.impact_assessment_create(
            organization=acme, actor=alice, ai_system=acme_server, values={"owner": alice, "scope": "Server"}
        )
    assert "is not an AI system" in caught.value.message_dict["ai_system"][0]


def test_the_pages_show_frozen_and_superseded_versions(client, acme, alice, draft, password):
    _sign(draft, alice)
    client.login(username="alice", password=password)
    url = f"/o/acme/risks/impact-assessments/{draft.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="frozen"' in page and 'data-testid="reassess"' in page
    assert 'data-testid="add-impact-privacy"' not in page
    response = client.post(url + "reassess/")
    second = ImpactAssessment.objects.get(version=2)
    assert response["Location"] == f"/o/acme/risks/impact-assessments/{second.pk}/"
    old = client.get(url).content.decode()
    assert 'data-testid="superseded"' in old and "Health details reach a vendor." in old
    assert 'data-testid="add-impact-privacy"' in client.get(response["Location"]).content.decode()
    # The list shows the latest version only.
    listing = client.get("/o/acme/risks/impact-assessments/").content.decode()
    # Matched on the version chip: a bare "v1" also turns up in the page's random CSRF token.
    assert '<span class="version-chip">v2</span>' in listing
    assert '<span class="version-chip">v1</span>' not in listing


def test_the_api_signs_off_and_reassesses(api_as, acme, alice, carol, draft):
    base = f"/api/v1/organizations/acme/impact-assessments/{draft.pk}/"
    api_as(alice).patch(base, {"summary": "Acceptable."})
    assert api_as(carol).post(base + "sign-off/", {}).status_code == 403
    signed = api_as(alice).post(base + "sign-off/", {"note": "For v3.2"})
    assert signed.status_code == 200 and signed.json()["status"] == "signed_off"
    frozen = api_as(alice).patch(base, {"scope": "Changed"})
    assert frozen.status_code == 400
    second = api_as(alice).post(base + "reassess/")
    assert second.status_code == 201 and second.json()["version"] == 2 and len(second.json()["items"]) == 1
    latest = api_as(alice).get("/api/v1/organizations/acme/impact-assessments/", {"latest": "true"}).json()
    assert [a["version"] for a in latest["results"]] == [2]
