"""Journey 2 in a real browser: assess an AI system, raise a risk from one of
its impacts, treat it with one ISO/IEC 27001 and one ISO/IEC 42001 control,
rate it lower after treatment, and watch it move on the residual heat map."""

import pytest
from playwright.sync_api import expect

from controls.models import Control
from risks.models import Risk
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def _cell(page, kind: str, cell: str):
    return page.locator(f"[data-testid=heat-map-{kind}] [data-cell='{cell}']")


def _pick(page, field: str, query: str, expected: str) -> None:
    """Type ``query`` into a record picker; Enter adds the first match, which must read ``expected``."""
    page.fill(f"#id_{field}", query)
    first = page.locator(f"#id_{field}-listbox [role=option]").first
    expect(first).to_contain_text(expected)
    expect(first).to_have_attribute("aria-selected", "true")
    page.press(f"#id_{field}", "Enter")


def test_assess_raise_treat_and_see_the_residual_move(page, acme, alice, acme_ai, acme_server, catalogues):
    sign_in(page, "alice")

    # Assess the AI system.
    page.goto("/o/acme/risks/impact-assessments/")
    expect(page.locator("[data-testid=unassessed]")).to_contain_text("Claims assistant")
    page.click("[data-testid=new-assessment]")
    page.select_option("#id_ai_system", str(acme_ai.pk))
    page.fill("#id_scope", "The claims assistant as deployed for motor claims.")
    page.click("[data-testid=save-assessment]")
    page.wait_for_url("**/impact-assessments/*/")
    expect(page.locator("[data-testid=assessment-status]")).to_have_text("Draft")

    page.click("[data-testid=add-impact-fairness]")
    expect(page.locator("#id_area")).to_have_value("fairness")
    page.select_option("#id_affected_party", "groups")
    page.fill("#id_affected_detail", "claimants writing in a second language")
    page.fill("#id_description", "Second-language claims are ranked lower and wait longer.")
    page.select_option("#id_severity", "4")
    page.select_option("#id_likelihood", "3")
    page.fill("#id_mitigation", "Monthly fairness report by language group.")
    page.click("[data-testid=save-item]")
    page.wait_for_url("**/impact-assessments/*/")
    expect(page.locator("[data-testid=impact-item]")).to_contain_text("wait longer")

    # Raise the risk in one step.
    page.click("[data-testid=raise-risk]")
    page.wait_for_url("**/o/acme/risks/*/")
    expect(page.locator("h1")).to_contain_text("R-001")
    expect(page.locator("[data-testid=raised-from]")).to_contain_text("Claims assistant, version 1")
    expect(page.locator("[data-testid=inherent-rating]")).to_contain_text("12")
    risk = Risk.objects.get()

    # Before treatment, both maps put it in the same cell.
    page.goto("/o/acme/risks/heat-maps/")
    expect(_cell(page, "inherent", "3-4")).to_have_attribute("data-count", "1")
    expect(_cell(page, "residual", "3-4")).to_have_attribute("data-count", "1")

    # Treat it with controls of both standards and rate it lower; the score shows as you choose.
    page.goto(f"/o/acme/risks/{risk.pk}/edit/")
    expect(page.locator("[data-testid=ai-fieldset]")).to_be_visible()
    expect(page.locator("[data-testid=security-fieldset]")).to_be_hidden()
    page.select_option("#id_treatment", "modify")
    _pick(page, "controls", "malware", "8.7 Protection against malware")
    _pick(page, "controls", "A.6.2.8", "A.6.2.8")
    # Raised from the assessment, the risk already affects the AI system; add the server it runs on.
    expect(page.locator("[data-testid=chosen-assets]")).to_contain_text("AST-0002 — Claims assistant")
    _pick(page, "assets", "inference", "AST-0001 — Inference server")
    expect(page.locator("[data-testid=chosen-assets]")).to_contain_text("2 chosen")
    expect(page.locator("[data-testid=chosen-controls]")).to_contain_text("2 chosen")
    expect(page.locator("[data-testid=chosen-controls]")).to_contain_text("8.7")
    live = page.locator("[data-testid=residual-fieldset] [data-score-for=residual]")
    expect(live).to_contain_text("Not rated yet")
    page.select_option("#id_residual_likelihood", "2")
    page.select_option("#id_residual_impact", "3")
    expect(live).to_have_text("Medium 6")
    page.fill("#id_treatment_plan", "Fairness monitoring and event logging of every ranking.")
    page.click("[data-testid=save-risk]")
    page.wait_for_url(f"**/o/acme/risks/{risk.pk}/")
    expect(page.locator("[data-testid=risk-controls]")).to_contain_text("ISO27001:8.7")
    expect(page.locator("[data-testid=risk-controls]")).to_contain_text("ISO42001:A.6.2.8")
    expect(page.locator("[data-testid=residual-rating]")).to_contain_text("6")

    # The inherent cell keeps it; on the residual map it moved.
    page.goto("/o/acme/risks/heat-maps/")
    expect(_cell(page, "inherent", "3-4")).to_have_attribute("data-count", "1")
    expect(_cell(page, "residual", "3-4")).to_have_attribute("data-count", "0")
    expect(_cell(page, "residual", "2-3")).to_have_attribute("data-count", "1")

    # Its cell links to the register, filtered to it.
    _cell(page, "residual", "2-3").click()
    page.wait_for_url("**/o/acme/risks/?residual_cell=2-3**")
    expect(page.locator("[data-testid=result-count]")).to_have_text("1 risk matches")
    expect(page.locator("[data-testid=risk-table]")).to_contain_text(
        "Second-language claims are ranked lower"
    )

    risk.refresh_from_db()
    assert (risk.residual_score, risk.level) == (6, "medium")
    assert risk.history.latest().history_user == alice


def test_pickers_add_by_keyboard_and_mouse_and_remove_with_the_chip_button(
    page, acme, alice, acme_server, catalogues
):
    backup = Control.objects.get(framework__code="iso27001-2022", reference="8.13")
    sign_in(page, "alice")
    page.goto("/o/acme/risks/new/")
    chips = page.locator("[data-testid=chosen-controls]")
    expect(chips).to_have_text("None chosen yet.")

    # Type, then Enter adds the highlighted match; the box empties for the next one.
    _pick(page, "controls", "malware", "8.7 Protection against malware")
    expect(chips).to_contain_text("1 chosen")
    expect(page.locator("#id_controls")).to_have_value("")

    # ArrowDown moves the highlight; a click adds too; Escape closes the list.
    page.fill("#id_controls", "backup")
    options = page.locator("#id_controls-listbox [role=option]")
    expect(options.first).to_contain_text("8.13")
    page.locator("#id_controls-listbox [role=option]", has_text="8.13").click()
    expect(chips).to_contain_text("2 chosen")
    page.fill("#id_controls", "8.")
    page.press("#id_controls", "ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.press("#id_controls", "Escape")
    expect(page.locator("#id_controls-listbox")).to_be_hidden()
    expect(chips).to_contain_text("2 chosen")

    # A chip's remove button removes its control, with the keyboard as with the mouse.
    page.locator(
        "[data-testid=chosen-controls] .picker-chip-remove[aria-label*='Protection against malware']"
    ).focus()
    page.keyboard.press("Enter")
    expect(chips).to_contain_text("1 chosen")
    values = page.eval_on_selector_all(
        "[data-testid=chosen-controls] input[type=hidden]", "els => els.map(e => e.value)"
    )
    assert values == [str(backup.pk)]


def test_keyboard_in_a_picker_keeps_the_choices_already_made(
    page, acme, alice, acme_server, acme_ai, catalogues
):
    """Tabbing into "Treatment controls" and pressing ↓ once turned "3 chosen" into "1 chosen",
    and saving dropped the controls."""
    from risks import services

    chosen = list(
        Control.objects.filter(reference__in=["5.1", "8.7", "8.13"], framework__code="iso27001-2022")
    )
    risk = services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": "Ransomware on the inference server",
            "category": "information_security",
            "owner": alice,
            "threat": "Ransomware",
            "affects_availability": True,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
        },
        assets=[acme_server, acme_ai],
        controls=chosen,
    )
    sign_in(page, "alice")
    page.goto(f"/o/acme/risks/{risk.pk}/edit/")
    chips = page.locator("[data-testid=chosen-controls]")
    expect(chips).to_contain_text("3 chosen")
    page.focus("#id_treatment")
    page.keyboard.press("Tab")
    expect(page.locator("#id_controls")).to_be_focused()
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "Escape"):
        page.keyboard.press(key)
    expect(chips).to_contain_text("3 chosen")
    # The affected-assets picker, the same way.
    page.focus("#id_assets")
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "Escape"):
        page.keyboard.press(key)
    expect(page.locator("[data-testid=chosen-assets]")).to_contain_text("2 chosen")
    expect(chips).to_contain_text("3 chosen")
    page.click("[data-testid=save-risk]")
    page.wait_for_url(f"**/o/acme/risks/{risk.pk}/")
    assert {link.control_id for link in risk.control_links.all()} == {c.pk for c in chosen}
    assert {link.asset_id for link in risk.asset_links.all()} == {acme_server.pk, acme_ai.pk}


def test_keyboard_in_the_reviewer_picker_keeps_the_reviewers_already_named(
    page, acme, alice, acme_ai, make_member
):
    """Defect 1 on the impact assessment's reviewers: arrows and Escape in a picker that already
    holds two reviewers leave both, and saving keeps both."""
    from risks import services

    olivia = make_member(acme, "compliance_officer", "olivia")
    carol = make_member(acme, "contributor", "carol")
    assessment = services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=acme_ai, values={"owner": alice, "scope": "Claims triage."}
    )
    services.impact_reviewers_set(assessment=assessment, actor=alice, users=[olivia, carol])
    sign_in(page, "alice")
    page.goto(f"/o/acme/risks/impact-assessments/{assessment.pk}/")
    page.get_by_text("Name reviewers").click()
    chips = page.locator("[data-testid=chosen-reviewers]")
    expect(chips).to_contain_text("2 chosen")
    page.focus("#id_reviewers")
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "Escape"):
        page.keyboard.press(key)
    expect(chips).to_contain_text("2 chosen")
    page.get_by_role("button", name="Save reviewers").click()
    page.wait_for_load_state()
    assert {link.user_id for link in assessment.reviewer_links.all()} == {olivia.pk, carol.pk}
