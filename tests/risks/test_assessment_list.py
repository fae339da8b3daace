"""The impact assessment list pages its assessments and shows only the first AI
systems not yet assessed, with how many there are, at a cost that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risks import services
from risks.views.impact import AssessmentListView
from tests.factories import AISystemFactory

pytestmark = pytest.mark.django_db

URL = "/o/acme/risks/impact-assessments/"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(AssessmentListView, "page_size", 2)
    monkeypatch.setattr(AssessmentListView, "unassessed_shown", 2)


def _systems(acme, alice, assessed: int, unassessed: int) -> None:
    for n in range(assessed):
        system = AISystemFactory(organization=acme, owner=alice, name=f"Assessed {n:02}")
        services.impact_assessment_create(
            organization=acme, actor=alice, ai_system=system, values={"owner": alice, "scope": "Use."}
        )
    for n in range(unassessed):
        AISystemFactory(organization=acme, owner=alice, name=f"Waiting {n:02}")


def _queries(client, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_it_pages_the_assessments_and_counts_them_all(client, acme, alice, small_pages):
    _systems(acme, alice, assessed=5, unassessed=0)
    client.force_login(alice)
    _, first = _queries(client)
    assert "5 AI systems assessed" in first
    assert "Assessed 00" in first and "Assessed 01" in first and "Assessed 02" not in first
    assert "1\u20132 of 5" in first
    _, last = _queries(client, {"page": 3})
    assert "Assessed 04" in last and "Assessed 00" not in last


def test_it_shows_the_first_unassessed_systems_and_how_many_more(client, acme, alice, small_pages):
    _systems(acme, alice, assessed=1, unassessed=5)
    client.force_login(alice)
    _, html = _queries(client)
    assert "5 AI systems without an assessment" in html
    assert "Waiting 00" in html and "Waiting 01" in html and "Waiting 02" not in html
    assert 'data-testid="unassessed-more"' in html and "3 more" in html


def test_it_costs_the_same_queries_for_few_or_many_systems(client, acme, alice, small_pages):
    _systems(acme, alice, assessed=3, unassessed=3)
    client.force_login(alice)
    _queries(client)  # the session's first save is not the page's cost
    few, _ = _queries(client)
    _systems(acme, alice, assessed=6, unassessed=6)
    many, _ = _queries(client)
    assert many == few
