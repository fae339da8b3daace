"""axe-core over the portal (issue 13): every page of the navigation and every record, history,
form and delete confirmation page, as each role, at 1440x900 and at 390x844 (the record pages on a
phone as the administrator and the viewer); the pages only a POST shows, the sign-in page and the
500 page at both widths; with no serious or critical violation.

axe-core is vendored in static/vendor/axe-core/ for these tests only; no shipped page loads it.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.roles import Role
from tests.browser_pages import POSTED_PAGES, navigation_pages, portal_member, portal_world, record_pages
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.usefixtures("catalogues")]

AXE = Path(settings.BASE_DIR, "static", "vendor", "axe-core", "axe.min.js").read_text()
FAILING_IMPACTS = {"serious", "critical"}
# `resultTypes` keeps passes and incompletes small; they are not reported.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => {
      const data = (n.any[0] || {}).data || {};
      const colours = data.fgColor ? ` (${data.fgColor} on ${data.bgColor}, ${data.contrastRatio}:1)` : '';
      return n.target.join(' ') + colours;
    }),
  }));
}"""


def _scan(page, url: str, viewport: str, problems: list[str], *, status: int | None = None) -> None:
    """Scan ``url``; it must answer below 500, or ``status`` when given."""
    response = page.goto(url)
    answered = response and response.status
    assert (answered == status) if status else (answered and answered < 500), f"{url} answered {answered}"
    _scan_here(page, f"{viewport} {url}", problems)


def _scan_here(page, where: str, problems: list[str]) -> None:
    """Scan the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    for violation in page.evaluate(AXE_RUN):
        if violation["impact"] in FAILING_IMPACTS:
            for target in violation["targets"]:
                rule = f"{violation['id']} ({violation['impact']})"
                problems.append(f"{where}: {rule} at {target} — {violation['help']}")


def _scan_confirm_dialog(page, world: dict, slug: str, problems: list[str]) -> None:
    """The confirm dialog of static/js/confirm.js, open, on the audit page (its "Close the audit")."""
    url = reverse("audits:detail", kwargs={"organization_slug": slug, "pk": world["audit"].pk})
    page.goto(url)
    page.get_by_test_id("close-audit").click()
    dialog = page.get_by_test_id("confirm-dialog")
    dialog.wait_for(state="visible")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    for violation in page.evaluate(AXE_RUN):
        if violation["impact"] in FAILING_IMPACTS:
            for target in violation["targets"]:
                problems.append(f"1440 {url} (confirm dialog open): {violation['id']} at {target}")
    page.keyboard.press("Escape")


def test_axe_finds_no_serious_or_critical_violation_on_any_page_for_any_role(
    browser, live_server, acme, alice, bob, crash_page
):
    world = portal_world(acme, alice)
    olivia, audrey, carol = world["olivia"], world["audrey"], world["carol"]
    # The API docs page is scanned on its own, once Swagger UI has drawn it (below).
    records = record_pages(acme.slug, world)
    problems: list[str] = []

    # Before anyone is signed in: the sign-in page and the 500 page.
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    for viewport in ({"width": 1440, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(viewport)
        _scan(page, reverse("accounts:login"), str(viewport["width"]), problems)
        _scan(page, crash_page, str(viewport["width"]), problems, status=500)
    context.close()

    for user in (alice, olivia, audrey, bob, carol):
        navigation = navigation_pages(acme.slug, admin=user == alice)
        # The contributor: the navigation pages only, to keep the run time down.
        pages = navigation if user == carol else [*navigation, *records]
        # bypass_csp lets the test inject axe as an inline script; the pages themselves never need it.
        context = browser.new_context(
            viewport={"width": 1440, "height": 900}, base_url=live_server.url, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, user.username)
        for url in pages:
            _scan(page, url, f"1440 {user.username}", problems)
        if user == alice:
            _scan_confirm_dialog(page, world, acme.slug, problems)
        page.set_viewport_size({"width": 390, "height": 844})
        # On a phone the record and form pages too, as the administrator (every form and action)
        # and the viewer (what reading alone shows, and the 403 page).
        for url in [*navigation, *records] if user in (alice, bob) else navigation:
            _scan(page, url, f"390 {user.username}", problems)
        if user == alice:
            # The pages only a POST shows, and the 500 page signed in, at both widths.
            for viewport in ({"width": 390, "height": 844}, {"width": 1440, "height": 900}):
                page.set_viewport_size(viewport)
                for name, reach in POSTED_PAGES.items():
                    reach(page, acme.slug)
                    _scan_here(page, f"{viewport['width']} alice {page.url} (answer to {name})", problems)
                _scan(page, crash_page, f"{viewport['width']} alice", problems, status=500)
        context.close()

    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(
        dict.fromkeys(problems)
    )


def _violations(page, state: str, problems: list[str]) -> None:
    for violation in page.evaluate(AXE_RUN):
        if violation["impact"] in FAILING_IMPACTS:
            for target in violation["targets"]:
                problems.append(f"{state}: {violation['id']} ({violation['impact']}) at {target}")


def test_api_docs_page_has_no_serious_violation_drawn_opened_and_authorizing(
    browser, live_server, acme, alice, bob
):
    """Swagger UI draws the page after the schema arrives, so the scan waits for the operations,
    then opens one with "Try it out" and the "Authorize" dialog: what a reader of the page meets.
    The fixes are ours: static/css/api-docs.css (contrast), static/js/api-docs.js (names) and
    SWAGGER_UI_SETTINGS (no deep-link anchors inside buttons). Drawn, as someone signed out and as
    every role at both widths; opened and authorizing, as the administrator."""
    problems: list[str] = []
    readers = [
        None,
        portal_member(acme, "olivia", Role.COMPLIANCE_OFFICER, "Olivia", "Ortiz"),
        portal_member(acme, "audrey", Role.AUDITOR, "Audrey", "Adams"),
        portal_member(acme, "carol", Role.CONTRIBUTOR, "Carol", "Cook"),
        bob,
    ]
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        for reader in readers:
            if reader is not None:
                sign_in(page, reader.username)
            page.goto(reverse("api-docs"))
            page.locator(".opblock-get").first.wait_for()
            page.add_script_tag(content=AXE)
            _violations(page, f"{width} {reader.username if reader else 'signed out'} drawn", problems)
            context.clear_cookies()
        context.close()

    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, alice.username)
        page.goto(reverse("api-docs"))
        page.locator(".opblock-get").first.wait_for()
        page.add_script_tag(content=AXE)
        _violations(page, f"{width} drawn", problems)

        page.locator(".opblock-get .opblock-summary-control").first.click()
        page.get_by_role("button", name="Try it out").first.click()
        page.locator(".btn.execute").first.wait_for()
        _violations(page, f"{width} operation open, trying it out", problems)

        page.get_by_role("button", name="Authorize").first.click()
        page.locator(".modal-ux").wait_for()
        _violations(page, f"{width} authorize dialog", problems)
        context.close()

    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(
        dict.fromkeys(problems)
    )
