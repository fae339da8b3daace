import pytest

from soa import selectors
from soa.checks import AI_SYSTEM_CONTROLS, CHECKS
from soa.models import SoAEntry
from soa.services import soa_entry_update
from tests.factories import AISystemFactory, TreatmentActionFactory

from .conftest import entry, risk_treated_by


def _problems(organization, reference):
    row = selectors.entry_get(organization=organization, entry_id=entry(organization, reference).pk)
    return {p.code for p in selectors.entry_problems(row)}


def _failing(organization, code):
    return {
        e.control.reference for g in selectors.problems_for(organization) if g.code == code for e in g.entries
    }


def test_a_fresh_soa_has_no_problems(acme):
    groups = selectors.problems_for(acme)
    assert [g.code for g in groups] == [c.code for c in CHECKS]
    assert all(g.count == 0 for g in groups)


def test_a_control_treating_a_risk_but_excluded_is_flagged(acme, alice):
    soa_entry_update(
        entry=entry(acme, "8.13"),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "No data."},
    )
    assert "treats_risk_but_excluded" not in _problems(acme, "8.13")
    risk_treated_by(acme, alice, "8.13")
    assert _problems(acme, "8.13") == {"treats_risk_but_excluded"}
    assert _failing(acme, "treats_risk_but_excluded") == {"8.13"}


def test_an_applicable_control_needs_a_reason_recorded_or_derived(acme, alice):
    soa_entry_update(entry=entry(acme, "5.15"), actor=alice, values={"applicable": True})
    assert _problems(acme, "5.15") == {"applicable_without_reason"}
    risk_treated_by(acme, alice, "5.15")
    assert _problems(acme, "5.15") == set()  # the register's risk treatment is a reason

    soa_entry_update(entry=entry(acme, "5.16"), actor=alice, values={"applicable": True})
    soa_entry_update(
        entry=entry(acme, "5.16"),
        actor=alice,
        values={},
        reasons=[{"kind": "contractual", "note": "Client MSA."}],
    )
    assert _problems(acme, "5.16") == set()


def test_an_exclusion_without_justification_is_flagged(acme, alice):
    # The services refuse it; a row can still get there from before, or from data.
    SoAEntry.objects.filter(pk=entry(acme, "7.4").pk).update(applicable=False, exclusion_justification="")
    assert _problems(acme, "7.4") == {"exclusion_without_justification"}
    assert _failing(acme, "exclusion_without_justification") == {"7.4"}


def test_an_implemented_control_whose_risks_have_open_actions_is_flagged(acme, alice):
    risk = risk_treated_by(acme, alice, "8.7")
    action = TreatmentActionFactory(risk=risk, owner=alice, status="open")
    soa_entry_update(
        entry=entry(acme, "8.7"), actor=alice, values={"applicable": True, "status": "implemented"}
    )
    assert _problems(acme, "8.7") == {"implemented_with_open_actions"}
    action.status = "done"
    action.save()
    assert _problems(acme, "8.7") == set()


@pytest.mark.parametrize("reference", sorted(AI_SYSTEM_CONTROLS))
def test_excluding_a_control_ai_systems_need_is_flagged_once_there_are_ai_systems(acme, alice, reference):
    soa_entry_update(
        entry=entry(acme, reference),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "We use no AI."},
    )
    assert _problems(acme, reference) == set()
    AISystemFactory(organization=acme, owner=alice)
    assert _problems(acme, reference) == {"ai_control_excluded"}


def test_a_retired_ai_system_or_a_development_control_raises_no_ai_problem(acme, alice):
    AISystemFactory(organization=acme, owner=alice, lifecycle_status="retired")
    justification = {"applicable": False, "exclusion_justification": "We develop no AI."}
    soa_entry_update(entry=entry(acme, "A.5.2"), actor=alice, values=justification)
    soa_entry_update(entry=entry(acme, "A.6.2.2"), actor=alice, values=justification)
    assert _problems(acme, "A.5.2") == set()
    AISystemFactory(organization=acme, owner=alice)
    assert _problems(acme, "A.5.2") == {"ai_control_excluded"}
    assert _problems(acme, "A.6.2.2") == set()  # only those who develop AI need it


def test_the_problems_are_read_in_a_constant_number_of_queries(acme, alice, django_assert_max_num_queries):
    def problems_queries():
        with django_assert_max_num_queries(3) as captured:
            selectors.problems_for(acme)
        return len(captured.captured_queries)

    few = problems_queries()
    for reference in ("8.1", "8.2", "8.3", "8.4", "8.5"):
        risk = risk_treated_by(acme, alice, reference)
        TreatmentActionFactory(risk=risk, owner=alice)
        soa_entry_update(
            entry=entry(acme, reference), actor=alice, values={"applicable": True, "status": "implemented"}
        )
    AISystemFactory(organization=acme, owner=alice)
    assert len(_failing(acme, "implemented_with_open_actions")) == 5
    assert problems_queries() == few
