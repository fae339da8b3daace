"""Whoever is assigned something is told, in the portal and by e-mail once the change
commits; never of what they did themselves, never outside the organization."""

import datetime

import pytest

from assets import services as asset_services
from audits import services as audit_services
from notifications.models import Notification
from notifications.services import notification_send
from risks import services as risk_services
from tests.audits.conftest import approve_soa, plan
from tests.factories import AISystemFactory, AssetFactory, MembershipFactory, RiskFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date.today() + datetime.timedelta(days=20)


def _told(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def _risk_values(owner):
    return {
        "title": "Ransomware on the inference server",
        "category": "information_security",
        "owner": owner,
        "threat": "Ransomware",
        "affects_availability": True,
        "inherent_likelihood": 3,
        "inherent_impact": 4,
    }


def test_a_new_owner_of_a_risk_is_told_and_mailed_on_commit(
    acme, alice, olivia, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        risk = risk_services.risk_create(organization=acme, actor=alice, values=_risk_values(olivia))
        assert mailoutbox == []  # nothing leaves before the commit
    assert callbacks
    (notification,) = _told(olivia)
    assert notification.organization == acme and notification.actor == alice and notification.read_at is None
    assert notification.sentence == f"Alice Archer made you the owner of risk {risk}"
    assert notification.target_url == f"/o/acme/risks/{risk.pk}/"
    (mail,) = mailoutbox
    assert mail.to == [olivia.email] and mail.subject == f"[Acme Corp] {notification.sentence}"
    assert f"http://127.0.0.1:8000/o/acme/risks/{risk.pk}/" in mail.body


def test_nobody_is_told_of_what_they_did_themselves(
    acme, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        risk_services.risk_create(organization=acme, actor=alice, values=_risk_values(alice))
    assert _told(alice) == [] and mailoutbox == []


def test_a_changed_owner_of_an_asset_is_told_once(acme, alice, olivia, carol):
    asset = AssetFactory(organization=acme, owner=carol)
    asset_services.asset_update(asset=asset, actor=alice, values={"owner": olivia})
    asset_services.asset_update(asset=asset, actor=alice, values={"name": "Renamed"})  # owner unchanged
    (notification,) = _told(olivia)
    assert (
        notification.verb == "made you the owner of"
        and notification.target_url == f"/o/acme/assets/{asset.pk}/"
    )
    assert _told(carol) == []


def test_the_owner_of_a_treatment_action_is_told(acme, alice, carol):
    risk = RiskFactory(organization=acme, owner=alice)
    action = risk_services.treatment_action_create(
        risk=risk,
        actor=alice,
        values={"description": "Patch the hypervisors", "owner": carol, "due_date": DUE},
    )
    (notification,) = _told(carol)
    assert (
        "“Patch the hypervisors”" in notification.target_label and risk.reference in notification.target_label
    )
    assert notification.target_url == f"/o/acme/risks/{risk.pk}/#treatment"
    risk_services.treatment_action_update(action=action, actor=alice, values={"due_date": DUE})
    assert len(_told(carol)) == 1


def test_a_reviewer_of_an_impact_assessment_is_told(acme, alice, olivia):
    assessment = risk_services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=AISystemFactory(organization=acme, owner=alice, name="Triage"),
        values={"owner": alice, "scope": "All."},
    )
    risk_services.impact_reviewers_set(assessment=assessment, actor=alice, users=[olivia])
    (notification,) = _told(olivia)
    assert notification.verb == "asked you to review"
    assert notification.target_label == "the impact assessment of Triage (version 1)"
    assert notification.target_url == f"/o/acme/risks/impact-assessments/{assessment.pk}/#review-card"


def test_auditors_added_to_an_audit_and_owners_of_corrective_actions_are_told(
    acme, alice, audrey, olivia, carol
):
    approve_soa(acme, alice)
    audit = plan(acme, alice, team=[audrey], lead=olivia)
    assert [n.verb for n in _told(audrey)] == ["added you to the team of"]
    assert [n.verb for n in _told(olivia)] == ["made you the lead auditor of"]
    audit = audit_services.audit_start(audit=audit, actor=alice)
    item = audit.items.order_by("position").first()
    audit_services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc"})
    finding = audit_services.finding_create(item=item, actor=audrey, description="Partly documented.")
    action = audit_services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "x", "action": "Document it.", "owner": carol, "due_date": DUE},
    )
    (notification,) = _told(carol)
    assert notification.target_label == f"the corrective action {action}"
    assert notification.target_url == f"/o/acme/audits/corrective-actions/{action.pk}/"
    assert len(_told(audrey)) == 1 and len(_told(olivia)) == 1  # starting the audit assigns nobody
    assert _told(audrey)[0].target_url == _told(olivia)[0].target_url == f"/o/acme/audits/{audit.pk}/"


def test_the_owner_of_an_impact_assessment_and_of_an_soa_row_is_told(acme, alice, olivia):
    from soa.models import SoAEntry
    from soa.services import soa_entry_update

    assessment = risk_services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=AISystemFactory(organization=acme, owner=alice, name="Triage"),
        values={"owner": olivia, "scope": "All."},
    )
    entry = SoAEntry.objects.for_organization(acme).select_related("control").order_by("id").first()
    soa_entry_update(entry=entry, actor=alice, values={"owner": olivia})

    first, second = _told(olivia)
    assert (first.verb, first.target_label) == (
        "made you the owner of",
        "the impact assessment of Triage (version 1)",
    )
    assert first.target_url == f"/o/acme/risks/impact-assessments/{assessment.pk}/"
    assert second.verb == "made you the owner of"
    assert second.target_label.startswith(f"the SoA row of {entry.control.framework.short_name} ")
    assert second.target_url == f"/o/acme/soa/{entry.pk}/edit/"


def test_the_inbox_shows_only_mine_of_this_organization_and_marks_read(
    client, acme, globex, alice, olivia, charlie
):
    risk = risk_services.risk_create(organization=acme, actor=alice, values=_risk_values(olivia))
    MembershipFactory(organization=globex, user=olivia, role="contributor")
    other = RiskFactory(organization=globex, owner=charlie)
    risk_services.risk_update(risk=other, actor=charlie, values={"owner": olivia})
    assert len(_told(olivia)) == 2
    client.force_login(olivia)
    page = client.get("/o/acme/notifications/")
    assert [n.target_url for n in page.context["notifications"]] == [f"/o/acme/risks/{risk.pk}/"]
    assert page.context["unread_notifications"] == 1
    assert 'data-testid="bell-count">1<' in page.content.decode()
    mine_elsewhere = Notification.objects.get(organization=globex)
    assert client.post(f"/o/acme/notifications/{mine_elsewhere.pk}/open/").status_code == 404
    opened = client.post(f"/o/acme/notifications/{page.context['notifications'][0].pk}/open/")
    assert opened["Location"] == f"/o/acme/risks/{risk.pk}/"
    assert client.get("/o/acme/notifications/").context["unread_notifications"] == 0
    assert client.get("/o/globex/notifications/").context["unread_notifications"] == 1
    client.post("/o/globex/notifications/read-all/")
    assert Notification.objects.filter(recipient=olivia, read_at__isnull=True).count() == 0


def test_someone_elses_notification_is_not_found(client, acme, alice, olivia, bob):
    risk_services.risk_create(organization=acme, actor=alice, values=_risk_values(olivia))
    notification = Notification.objects.get(recipient=olivia)
    client.force_login(bob)
    assert client.post(f"/o/acme/notifications/{notification.pk}/open/").status_code == 404
    client.post("/o/acme/notifications/read-all/")
    assert Notification.objects.get(pk=notification.pk).read_at is None
    assert list(client.get("/o/acme/notifications/").context["notifications"]) == []


def test_a_non_member_or_the_system_alone_tells_nobody(acme, alice, olivia):
    stranger = UserFactory()
    assert (
        notification_send(organization=acme, recipient=stranger, actor=alice, verb="x", target_label="y")
        is None
    )
    assert (
        notification_send(organization=acme, recipient=olivia, actor=None, verb="x", target_label="y") is None
    )
    assert Notification.objects.count() == 0


def test_the_inbox_costs_the_same_for_few_and_many(
    client, acme, alice, olivia, django_assert_max_num_queries
):
    for _ in range(2):
        risk_services.risk_create(organization=acme, actor=alice, values=_risk_values(olivia))
    client.force_login(olivia)
    client.get("/o/acme/notifications/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/o/acme/notifications/")
    for _ in range(8):
        risk_services.risk_create(organization=acme, actor=alice, values=_risk_values(olivia))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/o/acme/notifications/")
