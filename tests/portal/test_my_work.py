"""My work lists what waits for each member, per role, and the navigation counts the same."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits import services as audit_services
from risks import services as risk_services
from risks.models import TreatmentAction
from soa.models import SoAEntry
from tests.audits.conftest import approve_soa, plan
from tests.factories import AISystemFactory, RiskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=5)
SOON = TODAY + datetime.timedelta(days=3)
LATER = TODAY + datetime.timedelta(days=60)


def _action(risk, owner, description, due, status="open"):
    return TreatmentAction.objects.create(
        organization=risk.organization,
        risk=risk,
        owner=owner,
        description=description,
        due_date=due,
        status=status,
    )


@pytest.fixture
def work(acme, alice, olivia, carol, audrey):
    risk = RiskFactory(organization=acme, owner=carol, title="Carol's late review", next_review_date=PAST)
    RiskFactory(organization=acme, owner=alice, title="Alice's risk on time")
    _action(risk, carol, "Late action", PAST)
    _action(risk, carol, "Soon action", SOON)
    _action(risk, carol, "Later action", LATER)
    _action(risk, carol, "Done action", PAST, status="done")
    _action(risk, alice, "Alice's late action", PAST)
    # Olivia is asked to review one draft; another draft has every review given.
    to_review = risk_services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=AISystemFactory(organization=acme, owner=alice, name="Triage"),
        values={"owner": alice, "scope": "All."},
    )
    risk_services.impact_reviewers_set(assessment=to_review, actor=alice, users=[olivia])
    ready = risk_services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=AISystemFactory(organization=acme, owner=alice, name="Scoring"),
        values={"owner": alice, "scope": "All."},
    )
    risk_services.impact_assessment_update(assessment=ready, actor=alice, values={"summary": "Fine."})
    # The SoA approved, then a decided row changed: approval waits.
    approve_soa(acme, alice)
    entry = SoAEntry.objects.for_organization(acme).filter(applicable=True).first()
    SoAEntry.objects.filter(pk=entry.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))
    # Audrey is on an audit with items to record; Carol owns a corrective action due soon.
    audit = audit_services.audit_start(audit=plan(acme, alice, team=[audrey]), actor=alice)
    item = audit.items.order_by("position").first()
    audit_services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc"})
    finding = audit_services.finding_create(item=item, actor=audrey, description="Partly documented.")
    audit_services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "Unowned.", "action": "Document it.", "owner": carol, "due_date": SOON},
    )
    # Carol has done another: its effectiveness waits for the audit's auditors and the officers.
    done = audit_services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "Unowned.", "action": "Name an owner.", "owner": carol, "due_date": SOON},
    )
    audit_services.corrective_action_update(action=done, actor=carol, values={"status": "done"})
    return {"to_review": to_review, "ready": ready, "audit": audit, "risk": risk, "done": done}


def _page(client, user):
    client.force_login(user)
    answer = client.get("/o/acme/my-work/")
    assert answer.status_code == 200
    return answer


def test_a_contributor_sees_the_actions_and_reviews_they_own(client, carol, work):
    queue = _page(client, carol).context["work"]
    assert [a.description for a in queue.treatment_actions] == ["Late action", "Soon action"]
    assert [a.action for a in queue.corrective_actions] == ["Document it."]
    assert [r.title for r in queue.risk_reviews] == ["Carol's late review"]
    assert queue.reviews == [] and queue.sign_offs == [] and queue.audits == [] and not queue.soa_approval


def test_a_reviewer_sees_the_assessment_to_review(client, olivia, work):
    queue = _page(client, olivia).context["work"]
    assert [link.assessment_id for link in queue.reviews] == [work["to_review"].pk]
    # An officer approves: the ready draft and the changed SoA wait for her too.
    assert [a.pk for a in queue.sign_offs] == [work["ready"].pk]
    assert queue.soa_approval


def test_an_admin_sees_sign_offs_and_the_soa_approval(client, alice, work):
    answer = _page(client, alice)
    queue = answer.context["work"]
    assert [a.pk for a in queue.sign_offs] == [work["ready"].pk]  # not the one waiting for Olivia
    assert queue.soa_approval and 'data-testid="work-soa-approval"' in answer.content.decode()
    assert [a.description for a in queue.treatment_actions] == ["Alice's late action"]
    assert [a.pk for a in queue.audits] == [work["audit"].pk]  # she is its lead auditor


def test_an_auditor_sees_the_audits_they_are_on_with_items_to_record(client, audrey, work):
    queue = _page(client, audrey).context["work"]
    assert [a.pk for a in queue.audits] == [work["audit"].pk]
    assert queue.audits[0].item_count - queue.audits[0].recorded_count > 0
    assert not queue.soa_approval and queue.sign_offs == []


def test_a_viewer_has_nothing_waiting(client, bob, work):
    answer = _page(client, bob)
    assert answer.context["work"].total == 0
    assert "Nothing waits for you" in answer.content.decode()


def test_the_navigation_counts_what_the_page_lists(client, alice, olivia, carol, audrey, bob, work):
    for user in (alice, olivia, carol, audrey, bob):
        answer = _page(client, user)
        counts, queue = answer.context["work_counts"], answer.context["work"]
        for name in (
            "reviews",
            "sign_offs",
            "treatment_actions",
            "corrective_actions",
            "verifications",
            "risk_reviews",
            "audits",
        ):
            assert getattr(counts, name) == len(getattr(queue, name)), (user, name)
        assert counts.soa_approval == queue.soa_approval and counts.total == queue.total
        html = answer.content.decode()
        badge = f'data-testid="nav-my-work-count" title="{counts.total} waiting for you">{counts.total}<'
        assert (badge in html) if counts.total else ('data-testid="nav-my-work-count"' not in html), user


def test_completing_an_action_from_my_work_comes_back_here(client, carol, work):
    action = _page(client, carol).context["work"].treatment_actions[0]
    done = client.post(
        f"/o/acme/risks/{action.risk_id}/actions/{action.pk}/done/", {"next": "/o/acme/my-work/"}
    )
    assert done["Location"] == "/o/acme/my-work/"
    assert [a.description for a in _page(client, carol).context["work"].treatment_actions] == ["Soon action"]


def test_the_old_address_leads_here(client, carol, work):
    client.force_login(carol)
    assert client.get("/o/acme/risks/my-overdue/")["Location"] == "/o/acme/my-work/"


def test_another_organization_sees_none_of_it(client, charlie, work):
    client.force_login(charlie)
    assert client.get("/o/globex/my-work/").context["work"].total == 0
    assert client.get("/o/acme/my-work/").status_code == 404


def test_my_work_costs_the_same_for_few_and_many_records(client, acme, carol, work):
    client.force_login(carol)
    client.get("/o/acme/my-work/")

    def cost():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/o/acme/my-work/").status_code == 200
        return len(captured.captured_queries)

    few = cost()
    for i in range(5):
        risk = RiskFactory(organization=acme, owner=carol, title=f"More {i}", next_review_date=PAST)
        _action(risk, carol, f"More action {i}", PAST)
    assert cost() == few


def test_done_corrective_actions_wait_for_whoever_may_verify_them(
    client, alice, olivia, audrey, carol, bob, work
):
    done = work["done"]
    for user in (alice, olivia, audrey):  # the administrator, the officer, the audit's auditor
        answer = _page(client, user)
        assert [a.pk for a in answer.context["work"].verifications] == [done.pk], user
        assert 'data-testid="work-verifications"' in answer.content.decode()
    for user in (carol, bob):  # the owner does not verify their own work; a viewer verifies nothing
        assert _page(client, user).context["work"].verifications == [], user

    audit_services.corrective_action_verify(action=done, actor=audrey, result="effective")

    assert _page(client, alice).context["work"].verifications == []
