"""Reads never write: every page and endpoint a member can GET in an
organization leaves the database as it was (the session aside). Rows an
organization needs from the start (the default risk methodology) are made when
it is created, not by the first read.

The one exception is bookkeeping: a request with an API token notes the token's
``last_used_at``, at most once a minute (decision 0016; shown in
``tests/api_tokens/test_tokens_api.py``). These tests sign in with the session.
"""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.models import Membership
from organizations.services import organization_create
from risks import services as risk_services
from risks.models import RiskMethodology
from tests.factories import AISystemFactory, AssetFactory, UserFactory

pytestmark = pytest.mark.django_db

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def _organization_urls(slug: str) -> list[str]:
    """Every named URL whose only argument is the organization's slug."""
    urls = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                regex = pattern.pattern.regex
                if set(regex.groupindex) == {"organization_slug"}:
                    urls.append(reverse(f"{namespace}{pattern.name}", kwargs={"organization_slug": slug}))

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if _WRITE.match(q["sql"]) and "django_session" not in q["sql"]]


def test_a_new_organization_has_its_methodology_from_the_start(db):
    alice = UserFactory(username="alice")
    organization = organization_create(name="Initech", creator=alice)
    methodology = RiskMethodology.objects.get(organization=organization)
    assert methodology.history.get().history_user == alice


def test_no_get_of_a_fresh_organization_writes_a_row(client):
    alice = UserFactory(username="alice")
    organization = organization_create(name="Initech", creator=alice)
    client.force_login(alice)
    urls = _organization_urls(organization.slug)
    assert len(urls) > 20, urls  # pages and API endpoints were found
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code < 500, url
        assert _writes(captured.captured_queries) == [], url


def test_no_get_of_a_record_page_writes_a_row(client, acme, alice):
    server = AssetFactory(organization=acme, owner=alice, identifier="AST-0001")
    system = AISystemFactory(organization=acme, owner=alice, identifier="AST-0002")
    risk = risk_services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": "Ransomware",
            "category": "information_security",
            "threat": "Ransomware",
            "vulnerability": "Unpatched",
            "affects_availability": True,
            "owner": alice,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
        },
        assets=[server],
    )
    assessment = risk_services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=system, values={"owner": alice, "scope": "Triage."}
    )
    membership = Membership.objects.get(organization=acme, user=alice)
    client.force_login(alice)
    api = "/api/v1/organizations/acme"
    urls = [
        f"/o/acme/assets/{server.pk}/",
        f"/o/acme/assets/{server.pk}/history/",
        f"/o/acme/assets/{server.pk}/delete/",
        f"/o/acme/risks/{risk.pk}/",
        f"/o/acme/risks/{risk.pk}/history/",
        f"/o/acme/risks/{risk.pk}/edit/",
        f"/o/acme/risks/{risk.pk}/delete/",
        f"/o/acme/risks/impact-assessments/{assessment.pk}/",
        f"/o/acme/risks/impact-assessments/{assessment.pk}/history/",
        f"/o/acme/activity/risks.risk/{risk.pk}/",
        f"{api}/assets/{server.pk}/",
        f"{api}/assets/{server.pk}/history/",
        f"{api}/risks/{risk.pk}/",
        f"{api}/risks/{risk.pk}/history/",
        f"{api}/impact-assessments/{assessment.pk}/",
        f"{api}/assets/{server.pk}/where-used/",
        f"/o/acme/members/{membership.pk}/",
        f"{api}/members/{membership.pk}/where-used/",
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code < 400, (url, answer.status_code)
        assert _writes(captured.captured_queries) == [], url


def test_the_migration_gives_existing_organizations_their_methodology(acme, globex):
    RiskMethodology.objects.filter(organization=acme).delete()
    kept = RiskMethodology.objects.get(organization=globex)
    migration = importlib.import_module("risks.migrations.0003_default_methodology")
    migration.create_methodologies(django_apps, None)
    created = RiskMethodology.objects.get(organization=acme)
    assert (created.likelihood_size, created.impact_size, created.risk_appetite) == (5, 5, "medium")
    assert created.history.filter(history_type="+").latest().history_change_reason == "Default methodology"
    assert RiskMethodology.objects.get(organization=globex) == kept


def test_no_get_of_an_audit_page_writes_a_row(client, acme, alice, catalogues):
    """The audit programme's record pages (the checklist, an item, its finding and
    actions, a review and the inputs preview) read only."""
    import datetime

    from audits import services as audit_services
    from tests.audits.conftest import approve_soa, plan

    today = datetime.date.today()
    approve_soa(acme, alice)
    audit = audit_services.audit_start(audit=plan(acme, alice, frameworks=["iso27001-2022"]), actor=alice)
    item = audit.items.order_by("position").first()
    audit_services.checklist_item_record(item=item, actor=alice, values={"result": "major_nc"})
    finding = audit_services.finding_create(item=item, actor=alice, description="Missing")
    action = audit_services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={"root_cause": "r", "action": "a", "owner": alice, "due_date": today},
    )
    review = audit_services.management_review_create(organization=acme, actor=alice, values={"date": today})
    client.force_login(alice)
    base = "/o/acme/audits"
    urls = [
        f"{base}/{audit.pk}/",
        f"{base}/{audit.pk}/edit/",
        f"{base}/{audit.pk}/delete/",
        f"{base}/{audit.pk}/history/",
        f"{base}/{audit.pk}/checklist/",
        f"{base}/{audit.pk}/checklist/?recorded=false",
        f"{base}/{audit.pk}/checklist/{item.pk}/",
        f"{base}/{audit.pk}/checklist/{item.pk}/record/",
        f"{base}/{audit.pk}/checklist/{item.pk}/finding/",
        f"{base}/findings/{finding.pk}/",
        f"{base}/findings/{finding.pk}/delete/",
        f"{base}/findings/{finding.pk}/history/",
        f"{base}/findings/{finding.pk}/actions/new/",
        f"{base}/corrective-actions/{action.pk}/",
        f"{base}/corrective-actions/{action.pk}/edit/",
        f"{base}/corrective-actions/{action.pk}/delete/",
        f"{base}/corrective-actions/{action.pk}/history/",
        f"{base}/management-reviews/new/?date={today.isoformat()}",
        f"{base}/management-reviews/{review.pk}/",
        f"{base}/management-reviews/{review.pk}/edit/",
        f"{base}/management-reviews/{review.pk}/delete/",
        f"{base}/management-reviews/{review.pk}/history/",
        f"{base}/management-reviews/{review.pk}/actions/new/",
        f"{base}/export/?format=csv",
        f"{base}/findings/export/?format=xlsx",
        f"{base}/corrective-actions/export/?format=csv",
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code < 400, (url, answer.status_code)
        assert _writes(captured.captured_queries) == [], url
