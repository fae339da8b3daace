"""The overview's "N overdue treatments" opens the organization's overdue actions, all of them."""

import datetime

from django.utils import timezone

from risks import services
from risks.models import TreatmentAction


def _risk(acme, alice, acme_server, title="Ransomware on the inference server"):
    return services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": title,
            "category": "information_security",
            "owner": alice,
            "threat": "Ransomware",
            "affects_availability": True,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
        },
        assets=[acme_server],
    )


def _overdue(risk, owner, days, description):
    action = TreatmentAction.objects.create(
        organization=risk.organization,
        risk=risk,
        owner=owner,
        description=description,
        due_date=timezone.localdate() - datetime.timedelta(days=days),
    )
    return action


def test_the_overview_count_links_to_every_overdue_action(
    client, acme, alice, carol, acme_server, catalogues
):
    risk = _risk(acme, alice, acme_server)
    _overdue(risk, alice, 3, "Patch the hypervisors")
    _overdue(risk, carol, 10, "Restore test of the backups")
    client.force_login(alice)
    overview = client.get("/o/acme/").content.decode()
    assert 'href="/o/acme/risks/overdue-actions/" data-testid="overview-overdue">' in overview
    assert client.get("/o/acme/").context["risk_overview"].summary.overdue_actions == 2
    page = client.get("/o/acme/risks/overdue-actions/").content.decode()
    assert "2 overdue actions" in page
    assert page.index("Restore test of the backups") < page.index("Patch the hypervisors")  # oldest first
    assert "10 days late" in page


def test_the_list_narrows_to_one_owner(client, acme, alice, carol, acme_server, catalogues):
    risk = _risk(acme, alice, acme_server)
    _overdue(risk, alice, 3, "Patch the hypervisors")
    _overdue(risk, carol, 10, "Restore test of the backups")
    client.force_login(alice)
    page = client.get("/o/acme/risks/overdue-actions/", {"owner": carol.pk}).content.decode()
    assert "Restore test of the backups" in page and "Patch the hypervisors" not in page
    assert "1 overdue action" in page


def test_another_organization_sees_none_of_them(
    client, acme, alice, acme_server, globex, charlie, catalogues
):
    _overdue(_risk(acme, alice, acme_server), alice, 3, "Patch the hypervisors")
    client.force_login(charlie)
    assert client.get("/o/acme/risks/overdue-actions/").status_code == 404
    assert "Patch the hypervisors" not in client.get("/o/globex/risks/overdue-actions/").content.decode()


def test_the_page_costs_the_same_queries_for_many_actions(
    client, acme, alice, carol, acme_server, catalogues, django_assert_max_num_queries
):
    risk = _risk(acme, alice, acme_server)
    for n in range(30):
        _overdue(risk, carol if n % 2 else alice, n + 1, f"Action {n}")
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        assert client.get("/o/acme/risks/overdue-actions/").status_code == 200
