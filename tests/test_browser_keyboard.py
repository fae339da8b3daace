"""The portal with the keyboard alone (issue 13): the skip link is the first Tab stop, the
confirmation dialog keeps the focus and cancels on Esc, and an asset can be registered with
Tab, Enter and the arrow keys only."""

import pytest
from playwright.sync_api import expect

from assets.models import Asset
from organizations.models import Membership
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def _active(page, js: str):
    return page.evaluate(f"(el => {js})(document.activeElement)")


def _tab_to(page, js: str, *, limit: int = 150) -> None:
    """Press Tab until the focused element satisfies ``js`` (an expression of ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active(page, js):
            return
    raise AssertionError(f"no Tab stop matched {js} in {limit} presses")


def test_the_skip_link_is_the_first_tab_stop_and_moves_the_focus_to_main(page, acme, alice):
    sign_in(page, "alice")
    page.goto("/o/acme/assets/")
    page.keyboard.press("Tab")
    assert _active(page, "el.dataset.testid") == "skip-link"
    expect(page.get_by_test_id("skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert _active(page, "el.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside main, not back in the navigation
    assert _active(page, "!!el.closest('#main')")


def test_the_confirm_dialog_traps_the_focus_cancels_on_escape_and_confirms_on_enter(page, acme, alice, bob):
    sign_in(page, "alice")
    page.goto("/o/acme/members/")
    remove = "el.matches('form[data-confirm*=\"Bob Baker\"] button[type=submit]')"
    _tab_to(page, remove)
    page.keyboard.press("Enter")

    dialog = page.get_by_role("alertdialog", name="Remove Bob Baker from Acme Corp?")
    expect(dialog).to_be_visible()
    assert _active(page, "el.textContent.trim()") == "Cancel"
    page.keyboard.press("Tab")
    assert _active(page, "el.textContent.trim()") == "Remove"
    page.keyboard.press("Tab")  # wraps round: the page behind is out of reach
    assert _active(page, "el.textContent.trim()") == "Cancel"
    page.keyboard.press("Shift+Tab")
    assert _active(page, "el.textContent.trim()") == "Remove"

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert _active(page, remove), "the focus goes back to the Remove button"
    page.wait_for_timeout(300)
    assert page.url.endswith("/o/acme/members/")
    assert Membership.objects.filter(organization=acme, user=bob).exists()

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not Membership.objects.filter(organization=acme, user=bob).exists()


def test_an_asset_can_be_registered_and_found_with_the_keyboard_alone(page, acme, alice):
    sign_in(page, "alice")
    page.goto("/o/acme/assets/")
    _tab_to(page, "el.matches('a[href$=\"/o/acme/assets/new/\"]')")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    _tab_to(page, "el.id === 'id_kind'")
    for _ in range(5):
        if _active(page, "el.value"):
            break
        page.keyboard.press("ArrowDown")
    assert _active(page, "el.value"), "the arrow keys choose a kind"
    _tab_to(page, "el.id === 'id_name'", limit=20)
    page.keyboard.type("Keyboard-only laptop")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission from a text field
    asset = Asset.objects.get(organization=acme, name="Keyboard-only laptop")
    assert page.url.endswith(f"/o/acme/assets/{asset.pk}/")

    _tab_to(page, "el.matches('#app-nav a[href$=\"/o/acme/assets/\"]')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Keyboard-only laptop")).to_be_visible()
