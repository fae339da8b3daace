"""The audit programme's cast: Alice (admin), Bob (viewer) and Charlie (Globex) from
the root conftest, plus at Acme Olivia (compliance officer), Carol (contributor),
Audrey (an auditor on the audits planned here) and Axel (an auditor on none)."""

import datetime

import pytest
from django.db.models import Q

from audits import services
from controls.models import Control
from core.roles import Role
from soa import services as soa_services
from soa.models import SoAEntry
from tests.factories import MembershipFactory, UserFactory

ISO27001, ISO42001 = "iso27001-2022", "iso42001-2023"
#: One excluded control per catalogue, so that "applicable rows" differs from "all rows".
EXCLUDED = {(ISO27001, "5.7"), (ISO42001, "A.2.2")}


@pytest.fixture(autouse=True)
def _catalogues(catalogues):
    """Every audit test needs the real catalogues (clauses, controls, crosswalk)."""


def _member(organization, username: str, role: str, first: str, last: str):
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def olivia(acme):
    return _member(acme, "olivia", Role.COMPLIANCE_OFFICER, "Olivia", "Ortiz")


@pytest.fixture
def carol(acme):
    return _member(acme, "carol", Role.CONTRIBUTOR, "Carol", "Cook")


@pytest.fixture
def audrey(acme):
    return _member(acme, "audrey", Role.AUDITOR, "Audrey", "Adams")


@pytest.fixture
def axel(acme):
    return _member(acme, "axel", Role.AUDITOR, "Axel", "Acker")


def approve_soa(organization, actor):
    """Decide every row (applicable, but for ``EXCLUDED``) and approve version 1."""
    # Through the service, so that each row's decision is in its history (what a management
    # review's inputs read "as of" a day).
    excluded = set(
        Control.objects.filter(
            Q(
                *(Q(framework__code=framework, reference=reference) for framework, reference in EXCLUDED),
                _connector=Q.OR,
            )
        ).values_list("pk", flat=True)
    )
    changes = [
        {"id": entry.pk, "applicable": False, "exclusion_justification": "No such activity in scope."}
        if entry.control_id in excluded
        else {"id": entry.pk, "applicable": True}
        for entry in SoAEntry.objects.for_organization(organization)
    ]
    soa_services.soa_bulk_update(organization=organization, actor=actor, changes=changes)
    return soa_services.soa_version_approve(organization=organization, actor=actor, change_summary="First")


def approve_second(organization, actor):
    """Version 2: 27001's 5.7 applies now, 5.8 no longer does."""
    entries = SoAEntry.objects.for_organization(organization)
    entries.filter(control=Control.objects.get(framework__code=ISO27001, reference="5.7")).update(
        applicable=True, exclusion_justification=""
    )
    entries.filter(control=Control.objects.get(framework__code=ISO27001, reference="5.8")).update(
        applicable=False, exclusion_justification="No projects."
    )
    return soa_services.soa_version_approve(organization=organization, actor=actor, change_summary="Second")


def plan(organization, actor, *, frameworks=(ISO27001, ISO42001), lead=None, team=(), **values):
    today = datetime.date.today()
    return services.audit_plan(
        organization=organization,
        actor=actor,
        values={
            "title": values.pop("title", "Internal audit 2026"),
            "frameworks": list(frameworks),
            "planned_start": today,
            "planned_end": today + datetime.timedelta(days=5),
            "lead_auditor": lead or actor,
            **values,
        },
        team=team,
    )


@pytest.fixture
def version(acme, alice):
    return approve_soa(acme, alice)


@pytest.fixture
def audit(acme, alice, audrey, version):
    """A combined audit, started, with Audrey on its team."""
    audit = plan(acme, alice, team=[audrey])
    return services.audit_start(audit=audit, actor=alice)


def record_all(audit, actor, result="conforming"):
    for item in audit.items.all():
        services.checklist_item_record(item=item, actor=actor, values={"result": result})
