from risks import services as risk_services
from soa import selectors
from soa.services import soa_entry_update

from .conftest import control, entry, risk_treated_by


def _reasons(organization, reference):
    """The reasons as versions and PDFs freeze them: with the treating risks listed."""
    row = selectors.entries_with_risks_for(organization).get(pk=entry(organization, reference).pk)
    return selectors.reasons_of(row)


def test_a_control_treating_a_risk_shows_risk_treatment_with_the_risk_reference(acme, alice):
    risk = risk_treated_by(acme, alice, "8.13")
    [reason] = _reasons(acme, "8.13")
    assert reason["kind"] == "risk_treatment"
    assert reason["risks"] == [{"reference": risk.reference, "title": risk.title}]
    assert reason["risk_count"] == 1
    assert risk.reference in reason["note"]
    assert _reasons(acme, "8.14") == []


def test_pages_and_the_api_count_the_treating_risks_without_listing_them(acme, alice):
    risk_treated_by(acme, alice, "8.13")
    risk_treated_by(acme, alice, "8.13", title="Disk failure loses the backups")
    [reason] = selectors.reasons_of(selectors.entry_get(organization=acme, entry_id=entry(acme, "8.13").pk))
    assert reason["risk_count"] == 2
    assert reason["risks"] == []
    assert reason["note"] == "Treats 2 risks of the register"
    assert reason["risks_query"] == "control=ISO27001%3A8.13&status=open"


def test_the_reason_follows_the_risk_as_its_treatment_changes(acme, alice):
    risk = risk_treated_by(acme, alice, "8.13")
    second = risk_treated_by(acme, alice, "8.13", title="Disk failure loses the backups")
    assert [r["reference"] for r in _reasons(acme, "8.13")[0]["risks"]] == [risk.reference, second.reference]

    risk_services.risk_update(risk=risk, actor=alice, values={}, controls=[control("8.14")])
    assert [r["reference"] for r in _reasons(acme, "8.13")[0]["risks"]] == [second.reference]
    assert [r["reference"] for r in _reasons(acme, "8.14")[0]["risks"]] == [risk.reference]

    risk_services.risk_delete(risk=second, actor=alice)
    assert _reasons(acme, "8.13") == []


def test_a_closed_risk_no_longer_justifies_a_control(acme, alice):
    risk = risk_treated_by(acme, alice, "8.13")
    risk_services.risk_update(risk=risk, actor=alice, values={"status": "closed"})
    assert _reasons(acme, "8.13") == []


def test_recorded_reasons_come_before_the_derived_one(acme, alice):
    risk_treated_by(acme, alice, "5.31")
    soa_entry_update(
        entry=entry(acme, "5.31"),
        actor=alice,
        values={"applicable": True},
        reasons=[{"kind": "legal_regulatory", "note": "GDPR and the NIS2 transposition."}],
    )
    assert [r["kind"] for r in _reasons(acme, "5.31")] == ["legal_regulatory", "risk_treatment"]


def test_another_organizations_risks_never_give_a_reason(acme, alice, globex, charlie):
    risk_treated_by(globex, charlie, "8.13")
    assert _reasons(acme, "8.13") == []
    assert _reasons(globex, "8.13")[0]["kind"] == "risk_treatment"
