"""In a real browser: the risk form suggests a chosen control's crosswalk counterparts as
one-click adds; a form with unsaved changes warns before the page is left, never after a
submit; a failed submit puts the focus on its error summary (issue 13)."""

import datetime

import pytest
from playwright.sync_api import expect

from controls.models import Control
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogues")]


def test_choosing_a_control_offers_its_crosswalk_counterparts(page, acme, alice):
    counterpart = Control.objects.get(framework__code="iso42001-2023", reference="A.4.2")
    sign_in(page, "alice")
    page.goto("/o/acme/risks/new/")
    suggestions = page.locator("[data-testid=crosswalk-suggestions]")
    expect(suggestions).to_be_hidden()

    page.fill("#id_controls", "5.9")
    page.locator("#id_controls-listbox [role=option]", has_text="ISO27001 5.9").first.click()
    page.press("#id_controls", "Escape")

    expect(suggestions).to_be_visible()
    add = suggestions.locator(f"[data-control-id='{counterpart.pk}']")
    expect(add).to_contain_text("ISO42001 A.4.2")
    add.click()
    chips = page.locator("[data-testid=chosen-controls]")
    expect(chips).to_contain_text("2 chosen")
    expect(chips).to_contain_text("A.4.2")
    expect(add).to_have_count(0)  # chosen: no longer offered
    values = page.eval_on_selector_all(
        "[data-testid=chosen-controls] input[type=hidden]", "els => els.map(e => e.value)"
    )
    assert str(counterpart.pk) in values


def test_leaving_a_changed_form_asks_first_and_saving_does_not(page, acme, alice):
    sign_in(page, "alice")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.goto("/o/acme/assets/new/")
    page.locator("a", has_text="Assets").first.click()  # nothing typed: leaves without asking
    page.wait_for_url("**/o/acme/assets/")
    assert dialogs == []

    page.goto("/o/acme/assets/new/")
    page.fill("#id_name", "Payroll database")
    page.locator(".breadcrumb a", has_text="Assets").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/o/acme/assets/new/")  # dismissed: stays

    # A submit (here one that fails: the name is required) is not a departure.
    page.fill("#id_name", "")
    page.locator("form[data-testid=asset-form] button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert dialogs == ["beforeunload"]
    summary = page.locator("[data-testid=form-errors]")
    expect(summary).to_be_focused()
    summary.locator("a[href='#id_name']").click()
    expect(page.locator("#id_name")).to_be_focused()


def test_a_date_input_says_the_chosen_day_the_way_the_portal_writes_it(page, acme, alice):
    """The browser writes its date input its own way (05/30/2027 in US English); the hint under
    it says the same day as every page does, when the form opens and as the user changes it."""
    from soa.models import SoAEntry

    entry = SoAEntry.objects.filter(organization=acme).first()
    SoAEntry.objects.filter(pk=entry.pk).update(target_date=datetime.date(2027, 5, 30))
    sign_in(page, "alice")
    page.goto(f"/o/acme/soa/{entry.pk}/edit/")
    hint = page.locator("[data-date-echo=id_target_date]")
    expect(hint).to_have_text("Saved as 30 May 2027.")
    page.fill("#id_target_date", "2028-01-07")
    expect(hint).to_have_text("Saved as 7 Jan 2028.")
    page.fill("#id_target_date", "")
    expect(hint).to_contain_text("Pick a day or type it")
