"""The SoA page: both standards in one table, tabs, filters, progress, problems, counterparts."""

import pytest
from django.urls import reverse

from core.roles import Role
from soa.models import SoAEntry
from soa.services import soa_entry_update

from .conftest import ISO27001, ISO42001, entry, risk_treated_by

pytestmark = pytest.mark.django_db


def _url(**params):
    from urllib.parse import urlencode

    return reverse("soa:list", args=["acme"]) + ("?" + urlencode(params) if params else "")


def test_it_shows_all_131_rows_of_both_standards_grouped_by_theme(client, acme, alice):
    client.force_login(alice)
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="soa-row"') == 131
    assert 'data-testid="group-iso27001-2022-5"' in html
    assert 'data-testid="group-iso42001-2023-A.6"' in html


def test_a_tab_shows_one_standard(client, acme, alice):
    client.force_login(alice)
    html = client.get(_url(framework=ISO42001)).content.decode()
    assert html.count('data-testid="soa-row"') == 38
    html = client.get(_url(framework=ISO27001)).content.decode()
    assert html.count('data-testid="soa-row"') == 93


def test_progress_is_computed_per_standard(client, acme, alice):
    soa_entry_update(
        entry=entry(acme, "5.1"),
        actor=alice,
        values={"applicable": True, "status": "implemented"},
        reasons=[{"kind": "contractual", "note": "Customer contracts ask for it."}],
    )
    soa_entry_update(
        entry=entry(acme, "5.2"),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "Roles are defined by the group."},
    )
    client.force_login(alice)
    response = client.get(_url())
    progress = {p.code: p for p in response.context["progress"]}
    assert (progress[ISO27001].total, progress[ISO27001].decided) == (93, 2)
    assert (progress[ISO27001].applicable, progress[ISO27001].implemented) == (1, 1)
    assert (progress[ISO42001].total, progress[ISO42001].decided) == (38, 0)
    html = response.content.decode()
    assert 'data-testid="progress-iso27001-2022"' in html


def test_undecided_and_problem_filters(client, acme, alice):
    soa_entry_update(entry=entry(acme, "5.1"), actor=alice, values={"applicable": True})
    client.force_login(alice)
    undecided = client.get(_url(applicable="undecided"))
    assert undecided.context["paginator"].count == 130
    problem = client.get(_url(has_problem="true"))
    assert [e.control.reference for e in problem.context["records"]] == ["5.1"]
    by_check = client.get(_url(problem="applicable_without_reason"))
    assert [e.control.reference for e in by_check.context["records"]] == ["5.1"]
    html = problem.content.decode()
    assert 'data-testid="row-problem"' in html
    assert 'data-testid="problem-applicable_without_reason"' in html


def test_search_theme_status_owner_and_reason_filters(client, acme, alice):
    risk_treated_by(acme, alice, "8.24")
    soa_entry_update(entry=entry(acme, "8.7"), actor=alice, values={"status": "planned", "owner": alice})
    client.force_login(alice)
    assert [e.control.reference for e in client.get(_url(search="cryptography")).context["records"]] == [
        "8.24"
    ]
    assert client.get(_url(theme="6")).context["paginator"].count == 8
    assert [e.control.reference for e in client.get(_url(status="planned")).context["records"]] == ["8.7"]
    assert [e.control.reference for e in client.get(_url(owner=alice.pk)).context["records"]] == ["8.7"]
    treated = client.get(_url(reason="risk_treatment")).context["records"]
    assert [e.control.reference for e in treated] == ["8.24"]


def test_each_row_shows_its_crosswalk_counterparts_and_their_decisions(client, acme, alice):
    soa_entry_update(
        entry=entry(acme, "5.1"),
        actor=alice,
        values={"applicable": True},
        reasons=[{"kind": "business_good_practice", "note": "We have policies."}],
    )
    client.force_login(alice)
    response = client.get(_url(framework=ISO42001, search="A.2.2"))
    (row,) = response.context["records"]
    references = [c.entry.control.reference for c in row.counterpart_list]
    assert "5.1" in references
    counterpart = next(c for c in row.counterpart_list if c.entry.control.reference == "5.1")
    assert counterpart.entry.applicable is True
    assert "applicable · not started" in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries_for_131_rows(
    client, acme, alice, django_assert_max_num_queries
):
    for reference in ("5.1", "8.24", "A.6.2.6"):
        risk_treated_by(acme, alice, reference, title=f"Risk on {reference}")
    client.force_login(alice)
    client.get(_url())  # warm the session and caches
    with django_assert_max_num_queries(22):
        response = client.get(_url())
    assert response.content.decode().count('data-testid="soa-row"') == 131


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
def test_readers_see_the_table_without_edit_controls(client, acme, make_member, role):
    reader = make_member(acme, role, f"reader-{role}")
    client.force_login(reader)
    html = client.get(_url()).content.decode()
    assert html.count('data-testid="soa-row"') == 131
    assert 'data-testid="edit-row"' not in html
    assert 'data-testid="bulk-form"' not in html


def test_a_contributor_may_edit_only_the_rows_they_own(client, acme, carol):
    mine = entry(acme, "5.9")
    SoAEntry.objects.filter(pk=mine.pk).update(owner=carol)
    client.force_login(carol)
    html = client.get(_url()).content.decode()
    assert html.count('data-testid="edit-row"') == 1
    assert f'hx-get="/o/acme/soa/{mine.pk}/edit/"' in html


def test_a_row_counts_its_treating_risks_and_links_to_them_in_the_register(client, acme, alice):
    first = risk_treated_by(acme, alice, "8.13")
    second = risk_treated_by(acme, alice, "8.13", title="Disk failure loses the backups")
    client.force_login(alice)
    html = client.get(_url(framework=ISO27001)).content.decode()
    link = reverse("risks:list", args=["acme"]) + "?control=ISO27001%3A8.13&amp;status=open"
    assert f'<a href="{link}" data-testid="treating-risks">2 risks</a>' in html
    assert first.reference not in html
    register = client.get(link.replace("&amp;", "&")).context["records"]
    assert {r.reference for r in register} == {first.reference, second.reference}
