"""A management review's inputs, prefilled from the organization's data as of its
date, against a case checked by hand."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import ManagementReview
from controls.models import Control
from risks.services.register import risk_create, risk_delete, risk_update
from soa.models import SoAEntry
from soa.services import soa_entry_update
from tests.factories import RiskFactory

from .conftest import ISO27001, plan, record_all

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def history(acme, alice, audrey, carol, version):
    """Yesterday's review with two actions; an audit closed today with one minor
    nonconformity and one observation; three risks; two SoA rows implemented since."""
    previous = services.management_review_create(
        organization=acme, actor=alice, values={"date": YESTERDAY, "attendees": ["Alice Archer"]}
    )
    values = {"action": "Budget the ISMS.", "owner": carol, "due_date": YESTERDAY}
    services.corrective_action_create(actor=alice, review=previous, values=values)
    done = services.corrective_action_create(
        actor=alice, review=previous, values={**values, "due_date": TODAY}
    )
    services.corrective_action_update(action=done, actor=carol, values={"status": "done"})
    services.corrective_action_verify(action=done, actor=alice, result="effective")

    audit = services.audit_start(audit=plan(acme, alice, frameworks=[ISO27001], team=[audrey]), actor=alice)
    record_all(audit, audrey)
    first, second = audit.items.order_by("position")[:2]
    services.checklist_item_record(item=first, actor=audrey, values={"result": "minor_nc"})
    services.checklist_item_record(item=second, actor=audrey, values={"result": "observation"})
    services.finding_create(item=first, actor=audrey, description="Scope not reviewed.")
    services.audit_close(audit=audit, actor=alice)

    RiskFactory(organization=acme, owner=alice, inherent_likelihood=1, inherent_impact=1)
    RiskFactory(
        organization=acme, owner=alice, inherent_likelihood=5, inherent_impact=5, next_review_date=YESTERDAY
    )
    RiskFactory(organization=acme, owner=alice, status="closed")
    for entry in SoAEntry.objects.for_organization(acme).filter(
        control__in=Control.objects.filter(framework__code=ISO27001, reference__in=["5.1", "5.2"])
    ):
        soa_entry_update(entry=entry, actor=alice, values={"status": "implemented"})
    return previous


def test_inputs_as_of_the_review_date(acme, alice, history):
    review = services.management_review_create(
        organization=acme,
        actor=alice,
        values={"date": TODAY, "attendees": ["Alice Archer", "Olivia Ortiz"], "decisions": "Fund training."},
    )
    assert review.inputs == {
        "as_of": TODAY.isoformat(),
        "previous_review": YESTERDAY.isoformat(),
        "previous_actions": {
            "total": 2,
            "open": 1,
            "in_progress": 0,
            "done": 1,
            "verified_effective": 1,
            "overdue": 1,
        },
        "audits": [
            {
                "reference": "AUD-1",
                "title": "Internal audit 2026",
                "type": "internal",
                "frameworks": [ISO27001],
                "actual_end": TODAY.isoformat(),
                # 41 clauses + 92 applicable controls, two of them not conforming.
                "results": {
                    "conforming": 131,
                    "major_nc": 0,
                    "minor_nc": 1,
                    "observation": 1,
                    "opportunity": 0,
                },
            }
        ],
        "nonconformities": {"major_nc": {"open": 0, "closed": 0}, "minor_nc": {"open": 1, "closed": 0}},
        "risks": {
            "open": 2,
            "by_level": {"low": 1, "medium": 0, "high": 0, "critical": 1},
            "accepted": 0,
            "review_overdue": 1,
        },
        "impact_assessments": {"total": 0, "signed_off": 0},
        "soa": {
            "version": 1,
            "version_approved_at": review.inputs["soa"]["version_approved_at"],
            "version_applicable": 129,
            "version_implemented": 0,
            "live_applicable": 129,
            "live_undecided": 0,
            "live_by_status": {"not_started": 127, "planned": 0, "partial": 0, "implemented": 2},
        },
    }


def test_inputs_are_a_snapshot_and_leave_out_what_came_later(acme, alice, history):
    # Yesterday's review was recorded before the audit closed: its inputs still say so.
    history.refresh_from_db()
    assert history.inputs["audits"] == [] and history.inputs["previous_review"] is None
    # Re-dated before the audit closed, a review does not count it.
    review = services.management_review_create(organization=acme, actor=alice, values={"date": TODAY})
    review = services.management_review_update(review=review, actor=alice, values={"date": YESTERDAY})
    assert review.inputs["audits"] == [] and review.inputs["previous_review"] is None


def test_only_officers_record_reviews(acme, audrey, carol, bob):
    for user in (audrey, carol, bob):
        with pytest.raises(PermissionDenied):
            services.management_review_create(organization=acme, actor=user, values={"date": TODAY})


def test_api_review_with_a_tracked_action(api_as, acme, alice, carol):
    base = "/api/v1/organizations/acme"
    response = api_as(alice).post(
        f"{base}/management-reviews/",
        {"date": str(TODAY), "attendees": ["Alice Archer"], "decisions": "Hire a DPO."},
        format="json",
    )
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["inputs"]["as_of"] == str(TODAY)
    action = api_as(alice).post(
        f"{base}/corrective-actions/",
        {"review": review["id"], "action": "Hire a DPO.", "owner": "carol", "due_date": str(TODAY)},
        format="json",
    )
    assert action.status_code == 201, action.content
    assert api_as(alice).get(f"{base}/management-reviews/{review['id']}/").json()["actions"] == [
        action.json()["id"]
    ]


RISK = {
    "category": "information_security",
    "threat": "Outage",
    "vulnerability": "Single supplier",
    "affects_availability": True,
    "inherent_likelihood": 3,
    "inherent_impact": 3,
}


def _back_date(record, days: int) -> None:
    """Move the history rows of ``record`` written in the last minute ``days`` back: it was
    done then."""
    now = timezone.now()
    type(record).history.filter(id=record.pk, history_date__gt=now - datetime.timedelta(minutes=1)).update(
        history_date=now - datetime.timedelta(days=days)
    )


def test_inputs_read_each_record_as_it_stood_on_the_date_not_as_it_stands_now(acme, alice):
    """A review dated three days ago, recorded today, counts a risk raised then and closed
    since as open, at the level it had then; a review dated today counts it closed."""
    risk = risk_create(
        organization=acme,
        actor=alice,
        values={
            **RISK,
            "title": "Supplier outage",
            "owner": alice,
            "inherent_likelihood": 5,
            "inherent_impact": 5,
        },
    )
    _back_date(risk, days=5)
    risk_update(risk=risk, actor=alice, values={"inherent_likelihood": 1, "inherent_impact": 2})
    _back_date(risk, days=4)  # its second row too: lowered four days ago
    risk_update(risk=risk, actor=alice, values={"status": "closed"})  # closed today

    then = services.management_review_create(
        organization=acme, actor=alice, values={"date": TODAY - datetime.timedelta(days=3)}
    )
    earlier = services.management_review_create(
        organization=acme, actor=alice, values={"date": TODAY - datetime.timedelta(days=6)}
    )
    now = services.management_review_create(organization=acme, actor=alice, values={"date": TODAY})

    assert then.inputs["risks"]["open"] == 1
    assert then.inputs["risks"]["by_level"]["low"] == 1  # 1 x 2, its level four days ago
    assert earlier.inputs["risks"]["open"] == 0  # not raised yet
    assert now.inputs["risks"]["open"] == 0  # closed today
    assert sum(now.inputs["risks"]["by_level"].values()) == 0


def test_a_deleted_record_counts_until_the_day_it_was_deleted(acme, alice):
    risk = risk_create(
        organization=acme,
        actor=alice,
        values={**RISK, "title": "Stale laptop fleet", "owner": alice},
    )
    _back_date(risk, days=2)
    risk_delete(risk=risk, actor=alice)
    then = services.management_review_create(
        organization=acme, actor=alice, values={"date": TODAY - datetime.timedelta(days=1)}
    )
    now = services.management_review_create(organization=acme, actor=alice, values={"date": TODAY})
    assert (then.inputs["risks"]["open"], now.inputs["risks"]["open"]) == (1, 0)


def test_the_meeting_comments_on_its_inputs_without_rewriting_them(api_as, client, acme, alice):
    """The figures are the registers' (kept as taken); what the meeting adds or corrects goes
    in its comments, on the page and in the API, and in the review's history."""
    base = "/api/v1/organizations/acme/management-reviews"
    review = api_as(alice).post(base + "/", {"date": str(TODAY)}, format="json").json()
    comment = "Two open risks were closed in the meeting; the register is updated since."
    response = api_as(alice).patch(f"{base}/{review['id']}/", {"inputs_comments": comment}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["inputs_comments"] == comment
    assert response.json()["inputs"] == review["inputs"]
    stored = ManagementReview.objects.get(pk=review["id"])
    assert stored.history.first().inputs_comments == comment
    client.force_login(alice)
    url = reverse("audits:review_detail", kwargs={"organization_slug": "acme", "pk": review["id"]})
    page = client.get(url, secure=True)
    assert comment in page.content.decode()
