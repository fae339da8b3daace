"""The SoA list and its problems cost the same number of queries for an SoA with
one risk, reason and problem as for one full of them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from soa.models import SoAEntry, SoAReason
from tests.factories import AISystemFactory, TreatmentActionFactory

from .conftest import entry, risk_treated_by

BASE = "/api/v1/organizations/acme"


def _queries(api, url):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


MANY = ["5.1", "5.15", "8.7", "8.13", "8.15", "A.5.2", "A.6.2.8", "A.7.4"]


def _fill(acme, alice, olivia, references=MANY):
    for n, reference in enumerate(references):
        risk = risk_treated_by(acme, alice, reference, "8.24", title=f"Risk {n}")
        TreatmentActionFactory(risk=risk, owner=alice)
        row = entry(acme, reference)
        SoAReason.objects.create(organization=acme, entry=row, kind="contractual", note=f"Contract {n}")
        SoAReason.objects.create(organization=acme, entry=row, kind="legal_regulatory", note=f"Law {n}")
    SoAEntry.objects.filter(organization=acme).update(owner=olivia, applicable=True, status="implemented")
    SoAEntry.objects.filter(pk=entry(acme, "A.5.3").pk).update(applicable=False, exclusion_justification="")
    AISystemFactory(organization=acme, owner=alice)


def test_the_soa_list_costs_the_same_queries_for_few_or_many_risks_reasons_and_problems(
    api_as, acme, alice, olivia, django_assert_max_num_queries
):
    api = api_as(alice)
    urls = [f"{BASE}/soa/?page_size=500", f"{BASE}/soa/?has_problem=true", f"{BASE}/soa/problems/"]
    _fill(acme, alice, olivia, references=["5.1"])
    few = [_queries(api, url) for url in urls]
    _fill(acme, alice, olivia, references=MANY[1:])
    many = [_queries(api, url) for url in urls]
    assert many == few
    with django_assert_max_num_queries(12):
        body = api.get(f"{BASE}/soa/?page_size=500").json()
    assert body["count"] == 131
    problems = api.get(f"{BASE}/soa/problems/").json()
    assert problems["count"] > 0


def test_a_row_and_the_gap_analysis_cost_a_fixed_number_of_queries(
    api_as, acme, alice, olivia, django_assert_max_num_queries
):
    api = api_as(alice)
    _fill(acme, alice, olivia)
    with django_assert_max_num_queries(10):
        api.get(f"{BASE}/soa/{entry(acme, '8.13').pk}/")
    with django_assert_max_num_queries(8):
        api.get(f"{BASE}/gap-analysis/")
