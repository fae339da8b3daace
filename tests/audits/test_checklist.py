"""The checklist for each scope, against counts taken by hand from the catalogues:
ISO/IEC 27001 has 41 clauses of 4-10 and 93 controls, ISO/IEC 42001 43 clauses
and 38 controls; the crosswalk pairs 41 clauses, leaving 42001's 6.1.4 and 8.4
(AI system impact assessment) without a 27001 counterpart."""

import pytest
from django.core.exceptions import ValidationError

from audits import selectors, services
from audits.models import ChecklistItem
from soa.models import SoAVersionRow

from .conftest import ISO27001, ISO42001, plan


def _clauses(audit):
    return [i for i in selectors.checklist_of(audit) if i.clause_id]


def _controls(audit):
    return [i for i in selectors.checklist_of(audit) if i.control_id]


def test_a_27001_audit_checks_its_41_clauses_when_planned(acme, alice):
    audit = plan(acme, alice, frameworks=[ISO27001])
    items = _clauses(audit)
    assert len(items) == 41
    assert {i.clause.framework.code for i in items} == {ISO27001}
    assert all(i.counterpart_clause is None and i.frameworks == [ISO27001] for i in items)
    assert _controls(audit) == []


def test_a_42001_audit_checks_its_43_clauses_including_impact_assessment(acme, alice):
    audit = plan(acme, alice, frameworks=[ISO42001])
    items = _clauses(audit)
    assert len(items) == 43
    assert {"6.1.4", "8.4"} <= {i.clause.reference for i in items}
    assert all(i.frameworks == [ISO42001] for i in items)


def test_a_combined_audit_checks_shared_clauses_once_and_the_42001_only_ones_on_their_own(acme, alice):
    audit = plan(acme, alice, frameworks=[ISO42001, ISO27001])
    items = _clauses(audit)
    assert len(items) == 43  # 41 shared + 6.1.4 + 8.4
    shared = [i for i in items if i.counterpart_clause_id]
    assert len(shared) == 41
    assert all(
        i.clause.framework.code == ISO27001
        and i.counterpart_clause.framework.code == ISO42001
        and i.clause.reference == i.counterpart_clause.reference
        and i.frameworks == [ISO27001, ISO42001]
        for i in shared
    )
    own = [
        (i.clause.framework.code, i.clause.reference, i.frameworks)
        for i in items
        if not i.counterpart_clause_id
    ]
    assert own == [(ISO42001, "6.1.4", [ISO42001]), (ISO42001, "8.4", [ISO42001])]
    references = [i.clause.reference for i in items]
    assert references.index("6.1.4") == references.index("6.1.3") + 1
    assert references.index("8.4") == references.index("8.3") + 1
    assert audit.frameworks == [ISO27001, ISO42001]  # catalogue order


@pytest.mark.parametrize(
    ("frameworks", "controls"),
    [([ISO27001], 92), ([ISO42001], 37), ([ISO27001, ISO42001], 129)],
)
def test_starting_adds_the_applicable_controls_of_the_audited_version(
    acme, alice, version, frameworks, controls
):
    audit = services.audit_start(audit=plan(acme, alice, frameworks=frameworks), actor=alice)
    items = _controls(audit)
    assert audit.soa_version == version
    rows = SoAVersionRow.objects.filter(version=version, applicable=True, framework__in=frameworks)
    assert len(items) == controls == rows.count()
    assert {(i.soa_row.framework, i.soa_row.reference) for i in items} == {
        (r.framework, r.reference) for r in rows
    }
    assert "5.7" not in {i.control.reference for i in items}
    assert all(i.control.reference == i.soa_row.reference for i in items)


def test_building_again_adds_nothing(acme, alice, version):
    audit = services.audit_start(audit=plan(acme, alice), actor=alice)
    before = list(ChecklistItem.objects.filter(audit=audit).values_list("pk", "position"))
    services.audit_checklist_build(audit=audit, actor=alice)
    services.audit_checklist_build(audit=audit, actor=alice)
    assert list(ChecklistItem.objects.filter(audit=audit).values_list("pk", "position")) == before
    assert len(before) == 43 + 129


def test_changing_the_scope_while_planned_rebuilds_the_clauses(acme, alice):
    audit = plan(acme, alice, frameworks=[ISO27001])
    services.audit_update(audit=audit, actor=alice, values={"frameworks": [ISO42001]})
    assert len(_clauses(audit)) == 43
    assert {i.clause.framework.code for i in _clauses(audit)} == {ISO42001}


def test_themes_limit_the_controls(acme, alice, version):
    from controls.models import ControlGroup

    audit = plan(acme, alice, frameworks=[ISO27001])
    people = ControlGroup.objects.get(framework__code=ISO27001, reference="6")
    services.audit_update(audit=audit, actor=alice, values={}, themes=[people])
    audit = services.audit_start(audit=audit, actor=alice)
    assert {i.control.group_id for i in _controls(audit)} == {people.pk}
    assert len(_controls(audit)) == people.controls.count()


def test_an_audit_cannot_start_without_an_approved_soa_version(acme, alice):
    audit = plan(acme, alice)
    with pytest.raises(ValidationError, match="No SoA version is approved"):
        services.audit_start(audit=audit, actor=alice)


def test_the_checklist_item_history_names_who_built_it(acme, alice):
    audit = plan(acme, alice, frameworks=[ISO27001])
    item = _clauses(audit)[0]
    assert item.history.first().history_user == alice


def test_a_deleted_audit_number_is_never_handed_out_again(acme, alice):
    first = plan(acme, alice, frameworks=[ISO27001], title="First")
    second = plan(acme, alice, frameworks=[ISO27001], title="Second")
    assert (first.number, second.number) == (1, 2)
    services.audit_delete(audit=second, actor=alice)
    third = plan(acme, alice, frameworks=[ISO27001], title="Third")
    assert third.number == 3
