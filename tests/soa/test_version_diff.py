from controls.services import catalogues_load
from soa.models import SoAEntry
from soa.services import soa_entry_update, soa_version_approve
from soa.versions import versions_diff

from .conftest import decide_all, entry, risk_treated_by


def test_two_versions_compare_row_by_row_from_what_to_what(acme, alice, olivia):
    decide_all(acme, alice)
    first = soa_version_approve(organization=acme, actor=alice, change_summary="One")
    risk = risk_treated_by(acme, alice, "8.13")
    soa_entry_update(
        entry=entry(acme, "8.13"), actor=alice, values={"status": "implemented", "owner": olivia}
    )
    soa_entry_update(
        entry=entry(acme, "A.7.4"),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "We train no models."},
    )
    second = soa_version_approve(organization=acme, actor=alice, change_summary="Two")

    diff = versions_diff(older=first, newer=second)
    assert [(r.reference, r.change) for r in diff.rows] == [("8.13", "changed"), ("A.7.4", "changed")]
    backup = {c.field: (c.old, c.new) for c in diff.rows[0].changes}
    assert backup == {
        "reasons": ("—", f"Risk treatment: Treats {risk.reference} {risk.title} ({risk.reference})"),
        "status": ("Not started", "Implemented"),
        "owner_name": ("—", "Olivia Ortiz"),
    }
    data = {c.field: (c.old, c.new) for c in diff.rows[1].changes}
    assert data == {
        "applicable": ("Applicable", "Not applicable"),
        "exclusion_justification": ("—", "We train no models."),
    }


def test_comparing_a_version_with_itself_or_an_identical_one_shows_nothing(acme, alice):
    decide_all(acme, alice)
    first = soa_version_approve(organization=acme, actor=alice, change_summary="One")
    second = soa_version_approve(organization=acme, actor=alice, change_summary="Two")
    assert versions_diff(older=first, newer=first).rows == []
    assert versions_diff(older=first, newer=second).rows == []


def test_a_control_new_in_the_catalogue_shows_as_added_and_the_other_way_as_removed(acme, alice):
    decide_all(acme, alice)
    SoAEntry.objects.filter(organization=acme, control__reference="A.10.4").delete()
    first = soa_version_approve(organization=acme, actor=alice, change_summary="Before A.10.4")
    catalogues_load()  # the control's row comes back, undecided
    decide_all(acme, alice)
    second = soa_version_approve(organization=acme, actor=alice, change_summary="With A.10.4")
    assert [(r.reference, r.change) for r in versions_diff(older=first, newer=second).rows] == [
        ("A.10.4", "added")
    ]
    assert [(r.reference, r.change) for r in versions_diff(older=second, newer=first).rows] == [
        ("A.10.4", "removed")
    ]


def test_the_diff_reads_in_a_constant_number_of_queries(acme, alice, django_assert_max_num_queries):
    decide_all(acme, alice)
    first = soa_version_approve(organization=acme, actor=alice, change_summary="One")
    decide_all(acme, alice, applicable=False)
    second = soa_version_approve(organization=acme, actor=alice, change_summary="Two")
    with django_assert_max_num_queries(2):
        diff = versions_diff(older=first, newer=second)
    assert diff.changed_count == 131
