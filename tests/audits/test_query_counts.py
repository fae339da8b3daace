"""Every list endpoint and the checklist answer in the same number of queries
whatever the number of records (and of their team members, themes, actions)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import services

from .conftest import ISO27001, plan

BASE = "/api/v1/organizations/acme"
TODAY = datetime.date.today()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def _grow(acme, alice, audrey, carol, olivia, n: int):
    """``n`` audits (each with a team of two), each with a finding and two actions, and ``n`` reviews."""
    for _ in range(n):
        audit = services.audit_start(
            audit=plan(acme, alice, frameworks=[ISO27001], team=[audrey, carol]), actor=alice
        )
        item = audit.items.order_by("position").first()
        services.checklist_item_record(item=item, actor=audrey, values={"result": "minor_nc"})
        finding = services.finding_create(item=item, actor=audrey, description="x")
        evidence_text = {"root_cause": "r", "action": "a", "owner": carol, "due_date": TODAY}
        services.corrective_action_create(actor=olivia, finding=finding, values=evidence_text)
        services.corrective_action_create(
            actor=olivia, finding=finding, values={**evidence_text, "owner": alice}
        )
        review = services.management_review_create(organization=acme, actor=alice, values={"date": TODAY})
        services.corrective_action_create(
            actor=alice, review=review, values={"action": "b", "owner": carol, "due_date": TODAY}
        )


@pytest.mark.parametrize(
    "endpoint", ["audits", "audit-items", "findings", "corrective-actions", "management-reviews"]
)
def test_list_endpoints_take_a_constant_number_of_queries(
    api_as, acme, alice, audrey, carol, olivia, version, endpoint, django_assert_max_num_queries
):
    client = api_as(alice)
    _grow(acme, alice, audrey, carol, olivia, 1)
    few = _queries(client, f"{BASE}/{endpoint}/")
    _grow(acme, alice, audrey, carol, olivia, 3)
    with django_assert_max_num_queries(few):
        client.get(f"{BASE}/{endpoint}/")
    assert few <= 10


def test_the_checklist_takes_a_constant_number_of_queries(
    api_as, acme, alice, version, django_assert_max_num_queries
):
    client = api_as(alice)
    small = services.audit_start(audit=plan(acme, alice, frameworks=[ISO27001]), actor=alice)
    large = services.audit_start(audit=plan(acme, alice), actor=alice)
    few = _queries(client, f"{BASE}/audits/{small.pk}/checklist/?page_size=200")
    with django_assert_max_num_queries(few):
        response = client.get(f"{BASE}/audits/{large.pk}/checklist/?page_size=200")
    assert response.json()["count"] == 43 + 129
    assert few <= 10
