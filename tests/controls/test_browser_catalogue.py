"""Search the catalogue and open a control's crosswalk, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogues")]


def test_search_the_catalogue_and_open_a_controls_crosswalk(page, acme, alice, catalogues):
    sign_in(page, "alice")
    page.goto("/o/acme/")
    page.click("nav >> text=Catalogue")
    page.wait_for_url("**/catalogue/iso27001-2022/")
    assert "93 controls" in page.locator("[data-testid=result-count]").inner_text()

    page.click("text=ISO/IEC 42001:2023 Annex A")
    page.fill("#catalogue-q", "event logs")
    # The results refresh in place (htmx) as the officer types.
    expect(page.locator("[data-testid=result-count]")).to_have_text(re.compile(r"^1 control\b"))
    page.click("text=AI system recording of event logs")
    page.wait_for_url("**/controls/A.6.2.8/")
    counterparts = page.locator("[data-testid=counterparts]").inner_text()
    assert "8.15" in counterparts  # Logging
    assert any(word in counterparts for word in ("PARTIAL", "RELATED", "EQUIVALENT"))

    page.click("text=Whole crosswalk")
    page.wait_for_url("**/crosswalk/")
    assert "38" in page.locator("[data-testid=coverage-table]").inner_text()
