"""The gap analysis against a small case worked out by hand from the crosswalk fixture."""

from controls.models import Mapping
from soa.gap_analysis import METHOD, gap_analysis_for
from soa.models import SoAEntry

from .conftest import entry


def _decide(organization, reference, *, applicable=True, status="implemented"):
    SoAEntry.objects.filter(pk=entry(organization, reference).pk).update(
        applicable=applicable, status=status, exclusion_justification="" if applicable else "Out of scope."
    )


def _hand_checked_case(acme):
    _decide(acme, "5.1")  # A.2.2, A.2.3, A.2.4 link to it as partial
    _decide(acme, "5.9")  # A.4.2 to A.4.5 link to it as partial
    _decide(acme, "5.19", status="partial")  # A.10.2 and A.10.3 partial; A.7.3 only related
    _decide(acme, "5.2")  # A.3.2 links to it; made equivalent below
    _decide(acme, "8.25", applicable=False)  # excluded: A.6.1.3 gets nothing from it
    _decide(acme, "5.34")  # A.5.4 and A.7.2 link to it only as related
    _decide(acme, "A.5.2")  # AI-specific, implemented in its own right
    _decide(acme, "A.7.4", status="partial")  # AI-specific, under way in its own right
    _decide(acme, "A.5.5", status="planned")  # AI-specific, decided but not started
    Mapping.objects.filter(source__reference="A.3.2", target__reference="5.2").update(relation="equivalent")


def test_each_42001_control_is_judged_from_the_organizations_27001(acme):
    _hand_checked_case(acme)
    analysis = gap_analysis_for(acme)
    verdicts = {row.control.reference: row.verdict for row in analysis.rows}
    assert len(verdicts) == 38
    assert {ref for ref, v in verdicts.items() if v == "covered"} == {"A.3.2", "A.5.2"}
    assert {ref for ref, v in verdicts.items() if v == "partly_covered"} == {
        "A.2.2",
        "A.2.3",
        "A.2.4",
        "A.4.2",
        "A.4.3",
        "A.4.4",
        "A.4.5",
        "A.10.2",
        "A.10.3",
        "A.7.4",
    }
    for reference in ("A.6.1.3", "A.5.4", "A.7.2", "A.7.3", "A.5.5", "A.5.3"):
        assert verdicts[reference] == "new_work", reference


def test_totals_and_percentages_are_counted_from_the_rows(acme):
    _hand_checked_case(acme)
    totals = {t.verdict: (t.count, t.percent) for t in gap_analysis_for(acme).totals}
    assert totals == {"covered": (2, 5.3), "partly_covered": (10, 26.3), "new_work": (26, 68.4)}


def test_each_row_names_the_27001_controls_behind_it_and_their_status(acme):
    _hand_checked_case(acme)
    rows = {row.control.reference: row for row in gap_analysis_for(acme).rows}
    [basis] = rows["A.3.2"].basis
    assert (basis.control.reference, basis.relation, basis.applicable, basis.status) == (
        "5.2",
        "equivalent",
        True,
        "implemented",
    )
    excluded = {b.control.reference: b.applicable for b in rows["A.6.1.3"].basis}
    assert excluded == {"8.25": False, "5.8": None}
    assert rows["A.5.2"].ai_specific and rows["A.5.2"].basis == []
    assert not rows["A.3.2"].ai_specific


def test_ai_specific_controls_are_new_work_until_decided_in_their_own_right(acme):
    # Even a fully implemented 27001 gives an AI-specific control nothing.
    SoAEntry.objects.filter(organization=acme, control__framework__code="iso27001-2022").update(
        applicable=True, status="implemented"
    )
    rows = gap_analysis_for(acme).rows
    ai_specific = [row for row in rows if row.ai_specific]
    assert len(ai_specific) == 8
    assert {row.verdict for row in ai_specific} == {"new_work"}
    assert {row.verdict for row in rows if not row.ai_specific} <= {"partly_covered", "new_work"}


def test_a_fresh_organization_has_everything_to_do(acme):
    totals = {t.verdict: (t.count, t.percent) for t in gap_analysis_for(acme).totals}
    assert totals == {"covered": (0, 0.0), "partly_covered": (0, 0.0), "new_work": (38, 100.0)}


def test_the_method_is_stated(acme):
    assert gap_analysis_for(acme).method == METHOD
    assert "Covered: an equivalent link" in METHOD and "AI-specific" in METHOD


def test_the_analysis_takes_three_queries_whatever_the_data(acme, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        gap_analysis_for(acme)
    _hand_checked_case(acme)
    with django_assert_max_num_queries(3):
        gap_analysis_for(acme)
