"""Choosing the audit pack's sections and their order in a real browser: with the keyboard alone
(Move up / Move down and a typed position, static/js/audit-pack.js), and without JavaScript (the
position numbers). The pack built by a real worker while one works elsewhere is the end of the
audit journey, tests/audits/test_browser_audit.py."""

import pytest
from playwright.sync_api import expect

from audits.pack.build import SECTION_CODES
from documents.models import GeneratedDocument
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def _row_order(page) -> list[str]:
    return page.locator("[data-pack-section]").evaluate_all(
        "rows => rows.map(row => row.dataset.packSection)"
    )


def _positions(page) -> list[str]:
    return page.locator("[data-pack-position]").evaluate_all("inputs => inputs.map(input => input.value)")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.dataset.testid || ''")


def test_the_sections_are_ordered_and_chosen_with_the_keyboard_alone(page, alice, audit):
    sign_in(page, "alice")
    page.goto(f"/o/acme/audits/{audit.pk}/pack/")
    assert _row_order(page) == list(SECTION_CODES)

    # From the last section's tick, Tab reaches its position, then Move up (Move down is off: last).
    page.focus("[data-testid=pack-section-findings]")
    page.keyboard.press("Tab")
    assert _focused(page) == "pack-position-findings"
    page.keyboard.press("Tab")
    assert _focused(page) == "pack-up-findings"
    for _ in range(7):
        page.keyboard.press("Enter")
    # At the top Move up is off, so the focus stays in the row, on Move down; each move is announced.
    assert _focused(page) == "pack-down-findings"
    announce = page.locator("[data-pack-announce]")
    expect(announce).to_have_text("Findings and corrective actions: position 1 of 8.")
    page.keyboard.press("Space")  # Move down once, back to 2
    assert _row_order(page)[:3] == ["scope", "findings", "checklist"]
    assert _focused(page) == "pack-down-findings"
    page.keyboard.press("Shift+Tab")  # Move up is on again, just before
    assert _focused(page) == "pack-up-findings"
    page.keyboard.press("Enter")

    # A position typed in moves the row there; the numbers follow the rows.
    page.focus("[data-testid=pack-position-risks]")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    assert _row_order(page) == ["findings", "scope", "checklist", "soa", "assets", "impact", "gap", "risks"]
    assert _positions(page) == [str(n) for n in range(1, 9)]
    expect(announce).to_have_text("Risk register: position 8 of 8.")

    # Untick the SoA with Space and request with Enter.
    page.focus("[data-testid=pack-section-soa]")
    page.keyboard.press("Space")
    page.focus("[data-testid=pack-request]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pack/?highlight=*")
    document = GeneratedDocument.objects.get(kind="audit_pack")
    requested = ["findings", "scope", "checklist", "assets", "impact", "gap", "risks"]
    assert document.parameters["sections"] == requested
    expect(page.locator(f"#document-{document.pk} .pack-codes .badge")).to_have_text(requested)


def test_without_javascript_the_position_numbers_give_the_order(browser, live_server, alice, audit):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, "alice")
    page.goto(f"/o/acme/audits/{audit.pk}/pack/")
    expect(page.locator("[data-pack-move]").first).to_be_hidden()
    for code in ("risks", "impact", "assets", "soa", "gap"):
        page.uncheck(f"[data-testid=pack-section-{code}]")
    page.fill("[data-testid=pack-position-findings]", "1")
    page.fill("[data-testid=pack-position-checklist]", "2")
    page.fill("[data-testid=pack-position-scope]", "3")
    page.click("[data-testid=pack-request]")
    page.wait_for_url("**/pack/?highlight=*")
    document = GeneratedDocument.objects.get(kind="audit_pack")
    assert document.parameters["sections"] == ["findings", "checklist", "scope"]
    context.close()
