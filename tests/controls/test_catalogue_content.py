"""The catalogues are exact: an auditor checks them line by line."""

import re
from collections import Counter

import pytest

from controls.models import Clause, ClauseMapping, Control, ControlGroup, Mapping, Relation

pytestmark = pytest.mark.usefixtures("catalogues")


def test_iso27001_has_93_controls_in_four_themes():
    controls = Control.objects.filter(framework__code="iso27001-2022")
    assert controls.count() == 93
    assert Counter(controls.values_list("group__reference", flat=True)) == {"5": 37, "6": 8, "7": 14, "8": 34}


def test_iso27001_references_run_without_gaps():
    refs = set(Control.objects.filter(framework__code="iso27001-2022").values_list("reference", flat=True))
    expected = {
        f"{theme}.{n}"
        for theme, last in (("5", 37), ("6", 8), ("7", 14), ("8", 34))
        for n in range(1, last + 1)
    }
    assert refs == expected


def test_iso42001_has_38_controls_under_nine_objectives():
    controls = Control.objects.filter(framework__code="iso42001-2023")
    assert controls.count() == 38
    assert Counter(controls.values_list("group__reference", flat=True)) == {
        "A.2": 3,
        "A.3": 2,
        "A.4": 5,
        "A.5": 4,
        "A.6": 9,
        "A.7": 5,
        "A.8": 4,
        "A.9": 3,
        "A.10": 3,
    }


def test_iso42001_follows_the_standards_own_numbering():
    titles = dict(Control.objects.filter(framework__code="iso42001-2023").values_list("reference", "title"))
    assert titles["A.7.4"] == "Quality of data for AI systems"
    assert titles["A.6.2.8"] == "AI system recording of event logs"
    assert titles["A.10.4"] == "Customers"
    assert titles["A.6.1.2"] == "Objectives for responsible development of AI system"
    assert "A.6.1.1" not in titles and "A.2.1" not in titles


@pytest.mark.parametrize(
    ("framework", "pattern"),
    [("iso27001-2022", r"^[5-8]\.\d{1,2}$"), ("iso42001-2023", r"^A\.(\d{1,2})(\.\d){1,2}$")],
)
def test_references_are_well_formed_and_ordered(framework, pattern):
    controls = list(Control.objects.filter(framework__code=framework).order_by("order"))
    assert all(re.match(pattern, c.reference) for c in controls)
    assert all(c.reference.startswith(c.group.reference + ".") for c in controls)
    assert [c.order for c in controls] == sorted({c.order for c in controls})


def test_every_control_has_a_title_and_a_description_of_our_own():
    for control in Control.objects.all():
        assert control.title.strip()
        assert 40 <= len(control.description) <= 400, control.reference


def test_both_clause_sets_cover_clauses_4_to_10():
    for framework in ("iso27001-2022", "iso42001-2023"):
        tops = set(
            Clause.objects.filter(framework__code=framework, parent=None).values_list("reference", flat=True)
        )
        assert tops == {"4", "5", "6", "7", "8", "9", "10"}
    only_42001 = set(
        Clause.objects.filter(framework__code="iso42001-2023").values_list("reference", flat=True)
    ) - set(Clause.objects.filter(framework__code="iso27001-2022").values_list("reference", flat=True))
    assert {"6.1.4", "8.4"} <= only_42001
    assert (
        Clause.objects.get(framework__code="iso42001-2023", reference="6.1.4").title
        == "AI system impact assessment"
    )


def test_every_clause_has_the_right_parent():
    for clause in Clause.objects.select_related("parent"):
        if "." in clause.reference:
            assert clause.parent.reference == clause.reference.rsplit(".", 1)[0]
            assert clause.parent.framework_id == clause.framework_id


def test_every_mapping_runs_from_42001_to_27001_with_type_and_rationale():
    for mapping in Mapping.objects.select_related("source__framework", "target__framework"):
        assert mapping.source.framework.code == "iso42001-2023"
        assert mapping.target.framework.code == "iso27001-2022"
        assert mapping.relation in Relation.values
        assert 20 <= len(mapping.rationale) <= 300


def test_every_42001_control_is_mapped_or_flagged_ai_specific_never_both():
    for control in Control.objects.filter(framework__code="iso42001-2023").prefetch_related("mappings_from"):
        mapped = bool(control.mappings_from.all())
        flagged = bool(control.no_counterpart_reason.strip())
        assert mapped != flagged, control.reference


def test_27001_controls_are_never_flagged_ai_specific():
    assert (
        not Control.objects.filter(framework__code="iso27001-2022").exclude(no_counterpart_reason="").exists()
    )


def test_clause_links_join_the_same_numbers_of_the_harmonized_structure():
    for link in ClauseMapping.objects.select_related("source__framework", "target__framework"):
        assert link.source.framework.code == "iso42001-2023"
        assert link.target.framework.code == "iso27001-2022"
        assert link.source.reference == link.target.reference
    linked = set(ClauseMapping.objects.values_list("source__reference", flat=True))
    assert "6.1.4" not in linked and "8.4" not in linked


def test_themes_and_objectives_have_titles():
    assert ControlGroup.objects.count() == 13
    assert ControlGroup.objects.get(framework__code="iso42001-2023", reference="A.5").title == (
        "Assessing impacts of AI systems"
    )


def _links_of(reference: str) -> dict[str, str]:
    return dict(
        Mapping.objects.filter(
            source__framework__code="iso42001-2023", source__reference=reference
        ).values_list("target__reference", "relation")
    )


def test_the_ai_supplier_controls_reach_27001s_supplier_controls():
    """A.10.3 (suppliers) is carried by 27001's whole supplier chapter, 5.19 to 5.23,
    and A.10.2 (allocating responsibilities) by its supplier and chain controls."""
    assert set(_links_of("A.10.3")) == {"5.19", "5.20", "5.21", "5.22", "5.23"}
    assert {"5.19", "5.20", "5.21", "5.22", "5.23"} <= set(_links_of("A.10.2"))
    assert "5.20" in _links_of("A.10.4")


def test_reviewing_the_ai_policy_is_not_equivalent_to_reviewing_security_policies():
    # The AI policy carries commitments (responsible use, impacts on people) a security policy does not.
    assert _links_of("A.2.4") == {"5.1": Relation.PARTIAL}
    assert not Mapping.objects.filter(relation=Relation.EQUIVALENT).exists()
