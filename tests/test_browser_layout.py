"""The portal on a laptop and on a phone: nothing wider than the window, the
navigation a drawer on small screens, the treatment plan's buttons in view."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser_pages import navigation_pages
from tests.conftest import sign_in

pytestmark = pytest.mark.browser

PAGES = ["/o/demo/", "/o/demo/assets/", "/o/demo/risks/", "/o/demo/members/"]


@pytest.fixture
def demo(django_db_reset_sequences, catalogues, monkeypatch):
    """The demo organization, its ids from 1 (the pages above name risk 1)."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-1")
    call_command("seed_demo")


def _first_risk_url() -> str:
    from risks.models import Risk

    risk = Risk.objects.filter(organization__slug="demo", number=1).get()
    return f"/o/demo/risks/{risk.pk}/"


def _first_asset_url() -> str:
    from assets.models import Asset

    asset = Asset.objects.filter(organization__slug="demo").order_by("identifier").first()
    return f"/o/demo/assets/{asset.pk}/"


def test_on_a_phone_no_page_is_wider_than_the_screen_and_the_menu_is_a_drawer(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "demo", "demo-password-1")
    # Every page of the navigation, and the record pages of the demo's first risk and asset.
    for url in dict.fromkeys(
        [*PAGES, *navigation_pages("demo", admin=True), _first_risk_url(), _first_asset_url()]
    ):
        response = page.goto(url)
        assert response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide"
    navigation = page.locator("#app-nav")
    expect(navigation).to_be_hidden()
    expect(page.locator(".btn-user")).to_be_in_viewport()
    page.click("[data-testid=nav-toggle]")
    expect(navigation).to_be_visible()
    navigation.get_by_role("link", name="Assets").click()
    page.wait_for_url("**/o/demo/assets/")


def test_on_a_laptop_the_treatment_actions_show_all_their_buttons(page, demo):
    sign_in(page, "demo", "demo-password-1")
    page.goto(_first_risk_url())
    expect(page.locator("#app-nav")).to_be_visible()
    card = page.locator("[data-testid=treatment]").bounding_box()
    buttons = page.locator("[data-testid=actions] .action-buttons .btn")
    assert buttons.count() >= 3
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440


def test_on_a_phone_the_register_filters_are_folded_behind_a_toggle(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "demo", "demo-password-1")
    for url in ("/o/demo/assets/", "/o/demo/risks/"):
        page.goto(url)
        toggle = page.get_by_test_id("filter-toggle")
        fields = page.locator("#filter-fields")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_have_attribute("aria-controls", "filter-fields")
        expect(fields).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(fields).to_be_visible()
        toggle.click()
        expect(fields).to_be_hidden()


def test_on_a_laptop_the_register_filters_are_open_without_a_toggle(page, demo):
    sign_in(page, "demo", "demo-password-1")
    page.goto("/o/demo/assets/")
    expect(page.get_by_test_id("filter-toggle")).to_be_hidden()
    expect(page.locator("#filter-fields")).to_be_visible()


def test_on_a_phone_the_save_bar_of_a_long_form_stays_in_view(page, demo):
    """The asset form is longer than a phone's screen: its save bar sticks to the bottom of the
    window, inside the screen's width, wherever the user has scrolled to."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "demo", "demo-password-1")
    page.goto(_first_asset_url() + "edit/")
    assert page.evaluate("document.documentElement.scrollHeight") > 844
    bar = page.locator(".asset-form .form-actions")
    for position in ("0", "document.documentElement.scrollHeight / 2"):
        page.evaluate(f"window.scrollTo(0, {position})")
        box = bar.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844 + 0.5, (position, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5, (position, box)
        expect(bar.get_by_test_id("save-asset")).to_be_in_viewport()


MEASURE_ROLE_SELECTS = """() => [...document.querySelectorAll('.role-select')].map(select => {
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {name: select.getAttribute('aria-label'), widest, room};
})"""


@pytest.mark.parametrize("width", [1440, 390])
def test_the_members_page_shows_every_role_name_whole(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "demo", "demo-password-1")
    page.goto("/o/demo/members/")
    selects = page.evaluate(MEASURE_ROLE_SELECTS)
    assert selects, "no role select on the members page"
    for select in selects:
        assert select["widest"] <= select["room"] + 0.5, f"{select['name']} cuts its role names: {select}"
