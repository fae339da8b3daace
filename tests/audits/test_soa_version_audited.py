"""The SoA version audited: its controls are on the checklist from planning, and the
start fixes the one chosen when planning unless it names another (else the latest
approved), bringing the controls to it."""

from audits import selectors, services
from controls.models import ControlGroup
from soa.models import SoAVersionRow

from .conftest import ISO27001, approve_second, plan

BASE = "/api/v1/organizations/acme"


def _controls(audit):
    return [i for i in selectors.checklist_of(audit) if i.control_id]


# --- The checklist holds the controls from planning ---


def test_planning_builds_the_controls_of_the_latest_approved_version(acme, alice, version):
    audit = plan(acme, alice)
    items = _controls(audit)
    assert len(items) == 129  # 92 of 27001 + 37 of 42001, as counted in test_checklist
    assert {i.soa_row.version_id for i in items} == {version.pk}
    assert audit.soa_version is None  # not chosen: still the latest when it starts


def test_planning_builds_the_controls_of_the_version_chosen(acme, alice, version):
    second = approve_second(acme, alice)
    audit = plan(acme, alice, frameworks=[ISO27001], soa_version=version)
    references = {i.control.reference for i in _controls(audit)}
    assert "5.8" in references and "5.7" not in references
    assert {i.soa_row.version_id for i in _controls(audit)} == {version.pk} != {second.pk}


def test_choosing_another_version_while_planned_rebuilds_the_controls(acme, alice, version):
    audit = plan(acme, alice, frameworks=[ISO27001], soa_version=version)
    second = approve_second(acme, alice)
    services.audit_update(audit=audit, actor=alice, values={"soa_version": second})
    references = {i.control.reference for i in _controls(audit)}
    assert "5.7" in references and "5.8" not in references
    assert {i.soa_row.version_id for i in _controls(audit)} == {second.pk}


def test_starting_on_a_newer_version_refreshes_the_controls_and_keeps_the_items_that_stay(
    acme, alice, version
):
    audit = plan(acme, alice, frameworks=[ISO27001])
    before = {i.control.reference: i.pk for i in _controls(audit)}
    second = approve_second(acme, alice)
    audit = services.audit_start(audit=audit, actor=alice)
    assert audit.soa_version == second
    after = {i.control.reference: i for i in _controls(audit)}
    assert "5.7" in after and "5.8" not in after
    assert len(after) == 92
    assert all(after[ref].pk == pk for ref, pk in before.items() if ref != "5.8")
    assert {i.soa_row.version_id for i in after.values()} == {second.pk}
    assert after["5.1"].history.first().history_change_reason == "Brought to the SoA version audited"
    positions = [i.position for i in selectors.checklist_of(audit)]
    assert positions == list(range(1, 41 + 92 + 1))


def test_narrowing_the_themes_while_planned_removes_the_other_controls(acme, alice, version):
    audit = plan(acme, alice, frameworks=[ISO27001])
    people = ControlGroup.objects.get(framework__code=ISO27001, reference="6")
    services.audit_update(audit=audit, actor=alice, values={}, themes=[people])
    assert {i.control.group_id for i in _controls(audit)} == {people.pk}


# --- Which version the start fixes ---


def test_the_api_start_keeps_the_version_chosen_when_planning(api_as, acme, alice, version):
    audit = plan(acme, alice, soa_version=version)
    approve_second(acme, alice)
    response = api_as(alice).post(f"{BASE}/audits/{audit.pk}/start/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["soa_version"] == 1
    assert {r.version_id for r in SoAVersionRow.objects.filter(pk__in=audit.items.values("soa_row"))} == {
        version.pk
    }


def test_the_api_start_takes_the_version_it_is_given(api_as, acme, alice, version):
    audit = plan(acme, alice, soa_version=version)
    approve_second(acme, alice)
    response = api_as(alice).post(f"{BASE}/audits/{audit.pk}/start/", {"soa_version": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["soa_version"] == 2


def test_the_api_start_takes_the_latest_approved_when_none_was_chosen(api_as, acme, alice, version):
    audit = plan(acme, alice)
    approve_second(acme, alice)
    response = api_as(alice).post(f"{BASE}/audits/{audit.pk}/start/", {}, format="json")
    assert response.json()["soa_version"] == 2
