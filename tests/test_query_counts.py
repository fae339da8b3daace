"""Query-count guards: the overview of an empty organization is pinned, and the
heat maps, the impact assessment pages and every API list cost the same number
of queries for a few records as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from organizations.services import organization_create
from risks import services
from tests.factories import (
    AISystemFactory,
    AssetFactory,
    AssetRelationFactory,
    MembershipFactory,
    RiskFactory,
    TreatmentActionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

#: The overview of an organization with no records yet: session, user and membership (3), the
#: risk card (methodology, both heat maps in one query, the summary, overdue actions, the top
#: risks: 5), the SoA card (progress, gap analysis: 4), AI systems (1), the audit figures (1),
#: recent activity (9), the organization switcher (1), the navigation's "My work" badge (1, every
#: queue counted in one query), the bell (1) and the session's save (3).
OVERVIEW_EMPTY_QUERIES = 31


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, params or {})
    assert answer.status_code == 200, (url, answer.status_code)
    return len(captured.captured_queries)


def test_the_overview_of_an_empty_organization_is_pinned(client, catalogues):
    alice = UserFactory(username="alice")
    organization = organization_create(name="Initech", creator=alice)
    client.force_login(alice)
    client.get(f"/o/{organization.slug}/")  # the session's first save is not the page's cost
    assert _count(client, f"/o/{organization.slug}/") <= OVERVIEW_EMPTY_QUERIES


def _fill(organization, owner, count: int) -> None:
    """``count`` of each record an API list or page shows, linked as in real use."""
    for i in range(count):
        member = UserFactory()
        MembershipFactory(organization=organization, user=member, role=Role.CONTRIBUTOR)
        risk = RiskFactory(
            organization=organization,
            owner=owner,
            residual_likelihood=1 if i % 2 else None,
            residual_impact=2 if i % 2 else None,
        )
        TreatmentActionFactory(risk=risk, owner=owner)
        system = AISystemFactory(organization=organization, owner=owner)
        AssetRelationFactory(
            organization=organization,
            source=system,
            target=AssetFactory(organization=organization, owner=owner, kind="service"),
            type="hosted_on",
        )
        assessment = services.impact_assessment_create(
            organization=organization, actor=owner, ai_system=system, values={"owner": owner, "scope": "Use."}
        )
        services.impact_item_create(
            assessment=assessment,
            actor=owner,
            values={
                "area": "privacy",
                "affected_party": "individuals",
                "description": f"Impact {i}",
                "severity": 3,
                "likelihood": 2,
            },
        )


@pytest.fixture
def filled(acme, alice):
    """A function that adds records and answers how many queries each URL costs."""

    def measure(client, urls, count):
        _fill(acme, alice, count)
        client.force_login(alice)
        return {url: _count(client, url, {"page_size": 100}) for url in urls}

    return measure


PAGES = [
    "/o/acme/risks/heat-maps/",
    "/o/acme/risks/impact-assessments/",
]
API_LISTS = [
    "/api/v1/organizations/",
    "/api/v1/organizations/acme/members/",
    "/api/v1/organizations/acme/asset-relations/",
    "/api/v1/organizations/acme/treatment-actions/",
    "/api/v1/organizations/acme/impact-assessments/",
    "/api/v1/organizations/acme/impact-items/",
]
#: The audit trail reads a page with a fixed number of queries per kind of record on it,
#: so its cost is bounded by the kinds, not the rows (core.audit_trail).
TRAIL = "/api/v1/organizations/acme/activity/"
#: The most each may cost, whatever the number of records.
CEILINGS = {
    "/o/acme/risks/heat-maps/": 12,  # 11, plus the navigation's My work and bell counts (one query)
    "/o/acme/risks/impact-assessments/": 11,  # 10, plus the count of the paged assessments
    "/api/v1/organizations/": 5,
    "/api/v1/organizations/acme/members/": 5,
    "/api/v1/organizations/acme/asset-relations/": 5,
    "/api/v1/organizations/acme/treatment-actions/": 5,
    "/api/v1/organizations/acme/impact-assessments/": 7,
    "/api/v1/organizations/acme/impact-items/": 5,
    TRAIL: 75,
}


def test_pages_and_api_lists_do_not_grow_with_the_records(client, filled):
    few = filled(client, [*PAGES, *API_LISTS, TRAIL], 3)
    many = filled(client, [*PAGES, *API_LISTS, TRAIL], 27)
    for url in PAGES + API_LISTS:
        assert many[url] == few[url], (url, few[url], many[url])
    for url, ceiling in CEILINGS.items():
        assert many[url] <= ceiling, (url, many[url])


def test_the_assessment_detail_costs_the_same_for_few_and_many_impacts(client, acme, alice):
    system = AISystemFactory(organization=acme, owner=alice)
    assessment = services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=system, values={"owner": alice, "scope": "Use."}
    )
    client.force_login(alice)
    url = f"/o/acme/risks/impact-assessments/{assessment.pk}/"
    counts = []
    for total in (2, 20):
        while assessment.items.count() < total:
            services.impact_item_create(
                assessment=assessment,
                actor=alice,
                values={
                    "area": "safety",
                    "affected_party": "society",
                    "description": "A wrong triage delays care.",
                    "severity": 4,
                    "likelihood": 2,
                },
            )
        counts.append(_count(client, url))
    assert counts[0] == counts[1] <= 20, counts  # 16, the where-used card's 3 lines, the navigation's counts
