import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from soa.models import SoAEntry, SoAVersion, SoAVersionRow
from soa.services import SoAApprovalBlocked, soa_entry_update, soa_version_approve
from soa.versions import row_payload, rows_digest

from .conftest import decide_all, entry, risk_treated_by


def test_an_undecided_soa_cannot_be_approved_and_every_undecided_row_is_listed(acme, alice):
    with pytest.raises(SoAApprovalBlocked) as refused:
        soa_version_approve(organization=acme, actor=alice, change_summary="First version")
    assert len(refused.value.blocking) == 131
    assert not SoAVersion.objects.exists()


def test_the_blocking_rows_name_undecided_rows_and_unjustified_exclusions(acme, alice):
    decide_all(acme, alice)
    SoAEntry.objects.filter(pk=entry(acme, "5.7").pk).update(applicable=None)
    SoAEntry.objects.filter(pk=entry(acme, "A.7.4").pk).update(applicable=False, exclusion_justification="  ")
    with pytest.raises(SoAApprovalBlocked) as refused:
        soa_version_approve(organization=acme, actor=alice, change_summary="First version")
    blocking = {(row.framework, row.reference): row.reasons for row in refused.value.blocking}
    assert blocking == {
        ("iso27001-2022", "5.7"): ["Not decided: say whether the control is applicable."],
        ("iso42001-2023", "A.7.4"): ["Excluded without a justification."],
    }


def test_approving_freezes_every_row_as_it_is_with_its_risk_references(acme, alice, olivia):
    decide_all(acme, alice)
    risk = risk_treated_by(acme, alice, "8.13")
    soa_entry_update(
        entry=entry(acme, "8.13"),
        actor=alice,
        values={"status": "implemented", "owner": olivia, "implementation_notes": "Nightly backups, tested."},
        reasons=[{"kind": "contractual", "note": "Client agreements require backups."}],
    )
    soa_entry_update(
        entry=entry(acme, "A.10.4"),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "We supply no AI to customers."},
    )
    version = soa_version_approve(organization=acme, actor=olivia, change_summary="  First approved SoA  ")
    assert (version.number, version.approved_by, version.change_summary) == (1, olivia, "First approved SoA")
    assert version.supersedes is None and version.approved_at is not None
    rows = list(SoAVersionRow.objects.filter(version=version).order_by("position"))
    assert len(rows) == 131
    assert [r.reference for r in rows[:2]] == ["5.1", "5.2"] and rows[-1].reference == "A.10.4"
    backup = next(r for r in rows if r.reference == "8.13")
    assert backup.framework == "iso27001-2022" and backup.title == "Information backup"
    assert backup.theme.startswith("8 ")
    assert backup.status == "implemented" and backup.owner_name == "Olivia Ortiz"
    assert backup.reasons == [
        {"kind": "contractual", "note": "Client agreements require backups.", "risks": []},
        {
            "kind": "risk_treatment",
            "note": f"Treats {risk.reference} {risk.title}",
            "risks": [risk.reference],
        },
    ]
    customers = rows[-1]
    assert (
        customers.applicable is False and customers.exclusion_justification == "We supply no AI to customers."
    )
    assert version.rows_sha256 == rows_digest(rows)
    assert len(version.rows_sha256) == 64


def test_the_digest_changes_with_any_row(acme, alice):
    decide_all(acme, alice)
    first = soa_version_approve(organization=acme, actor=alice, change_summary="One")
    same = soa_version_approve(organization=acme, actor=alice, change_summary="Two, nothing changed")
    assert first.rows_sha256 == same.rows_sha256
    soa_entry_update(entry=entry(acme, "5.1"), actor=alice, values={"status": "planned"})
    third = soa_version_approve(organization=acme, actor=alice, change_summary="Three")
    assert third.rows_sha256 != first.rows_sha256
    assert [row_payload(r)["status"] for r in third.rows.filter(reference="5.1")] == ["planned"]


def test_each_approval_supersedes_the_previous_version(acme, alice):
    decide_all(acme, alice)
    first = soa_version_approve(organization=acme, actor=alice, change_summary="One")
    second = soa_version_approve(organization=acme, actor=alice, change_summary="Two")
    assert (first.number, second.number) == (1, 2)
    assert second.supersedes == first
    first.refresh_from_db()
    assert first.superseded_by == second


def test_numbers_are_counted_per_organization(acme, alice, globex, charlie):
    decide_all(acme, alice)
    decide_all(globex, charlie)
    soa_version_approve(organization=acme, actor=alice, change_summary="Acme one")
    assert soa_version_approve(organization=globex, actor=charlie, change_summary="Globex one").number == 1


@pytest.mark.parametrize("role", ["contributor", "auditor", "viewer"])
def test_only_officers_and_admins_approve(acme, alice, make_member, role):
    decide_all(acme, alice)
    with pytest.raises(PermissionDenied):
        soa_version_approve(
            organization=acme, actor=make_member(acme, role, f"a-{role}"), change_summary="Mine"
        )
    assert not SoAVersion.objects.exists()


def test_a_stranger_cannot_approve(acme, alice, charlie):
    decide_all(acme, alice)
    with pytest.raises(PermissionDenied):
        soa_version_approve(organization=acme, actor=charlie, change_summary="Not mine")


def test_an_approval_says_what_it_changes(acme, alice):
    decide_all(acme, alice)
    with pytest.raises(ValidationError) as refused:
        soa_version_approve(organization=acme, actor=alice, change_summary="   ")
    assert "change_summary" in refused.value.message_dict
