"""The portal with the keyboard alone (issue 13): the skip link is the first Tab stop, the
confirmation dialog keeps the focus and cancels on Esc, an asset can be registered with Tab, Enter
and the arrow keys only, every page can be walked with Tab (each control reached, each with a focus
ring, nothing trapping the focus), and on a phone the menu opens from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from assets.models import Asset
from core.registers.forms import member_label
from core.roles import Role
from organizations.models import Membership
from risks.services import impact_assessment_create
from tests.browser_pages import POSTED_PAGES, navigation_pages, portal_member, portal_world, record_pages
from tests.conftest import sign_in
from tests.factories import AISystemFactory, AssetFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogues")]


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


# --- Every page with the keyboard alone -----------------------------------

# Marks every focusable candidate, notes its outline and shadow before it has the focus, and logs
# each element that takes the focus afterwards. Transitions are switched off (``_walk``) so that a
# focus ring is read at its end state, not at the first frame of its animation.
KEYBOARD_PREPARE = """(scope) => {
  const CANDIDATES = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, '
    + 'summary, [tabindex], [contenteditable]';
  const ring = el => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join('|');
  };
  const describe = el => {
    let text = el.tagName.toLowerCase();
    if (el.id) return text + '#' + el.id;
    if (el.dataset.testid) return text + '[data-testid=' + el.dataset.testid + ']';
    if (el.name) text += '[name=' + el.name + ']';
    const label = (el.getAttribute('aria-label') || el.textContent || el.value || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    if (el.getAttribute('href')) text += '[href="' + el.getAttribute('href') + '"]';
    return label ? text + ' "' + label + '"' : text;
  };
  const keyOf = el => el.type === 'radio' && el.name ? 'radio:' + el.name : 'el:' + el.dataset.kbd;
  // An autofocused field would otherwise be measured while it has the focus.
  if (document.activeElement) document.activeElement.blur();
  const expected = [], positive = [];
  let n = 0;
  for (const el of document.querySelectorAll(CANDIDATES)) {
    el.dataset.kbd = String(n++);
    el.__unfocusedRing = ring(el);
    const tabindex = el.getAttribute('tabindex');
    if (tabindex !== null && parseInt(tabindex, 10) > 0) {
      positive.push(describe(el) + ' (tabindex=' + tabindex + ')');
    }
    if (!el.closest(scope) || el.tabIndex < 0 || el.matches(':disabled') || el.closest('[inert]')) continue;
    if (el.tagName === 'SUMMARY' && el.parentElement.querySelector(':scope > summary') !== el) continue;
    const box = el.getBoundingClientRect();
    if (!el.checkVisibility({visibilityProperty: true}) || (box.width === 0 && box.height === 0)) continue;
    expected.push({key: keyOf(el), what: describe(el)});
  }
  window.__keyboardLog = [];
  document.addEventListener('focusin', event => {
    const el = event.target;
    if (el.dataset.kbd === undefined) { el.dataset.kbd = 'new' + (n++); el.__unfocusedRing = ''; }
    window.__keyboardLog.push({key: keyOf(el), what: describe(el), ring: ring(el) !== el.__unfocusedRing});
  }, true);
  return {expected, positive};
}"""


def _walk(page, url: str, viewport: str, problems: list[str], *, status: int | None = None) -> None:
    """Tab through ``url`` (answering below 500, or ``status`` when given) from the top."""
    response = page.goto(url)
    answered = response and response.status
    assert (answered == status) if status else (answered and answered < 500), f"{url} answered {answered}"
    _walk_here(page, f"{viewport} {url}", problems)


def _walk_here(page, where: str, problems: list[str], *, scope: str = "#main", bound: int = 900) -> None:
    """Tab through the page as it stands until the focus comes round again; record what is wrong.
    Every control in ``scope`` must be reached."""
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    marks = page.evaluate(KEYBOARD_PREPARE, scope)
    problems.extend(f"{where}: {what} — positive tabindex" for what in marks["positive"])
    log: list[dict] = []
    wrapped = False
    for _ in range(0, bound, 25):
        for _ in range(25):
            page.keyboard.press("Tab")
        log = page.evaluate("window.__keyboardLog")
        keys = [entry["key"] for entry in log]
        if keys and keys[0] in keys[1:]:
            wrapped = True
            break
    if not wrapped:
        last = log[-1]["what"] if log else "nothing"
        problems.append(f"{where}: {last} — the focus never came back round in {bound} Tab presses")
    reached = {entry["key"] for entry in log}
    for item in marks["expected"]:
        if item["key"] not in reached:
            problems.append(f"{where}: {item['what']} — not reached by Tab")
    for entry in {entry["key"]: entry for entry in log if not entry["ring"]}.values():
        problems.append(f"{where}: {entry['what']} — no visible focus indicator")


@pytest.mark.once
def test_every_page_works_with_the_keyboard_alone_on_a_laptop_and_on_a_phone(
    browser, live_server, acme, alice, crash_page
):
    """Tab reaches every visible control in main, each shows a focus ring, the focus never sticks
    and no page reorders Tab with a positive tabindex; as the administrator, at 1440 and at 390:
    every page of browser_pages' lists, the pages only a POST shows, the 500 page, and the sign-in
    page signed out."""
    world = portal_world(acme, alice)
    pages = [*navigation_pages(acme.slug, admin=True), *record_pages(acme.slug, world)]
    problems: list[str] = []
    # bypass_csp lets the test switch transitions off with an inline style.
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    for viewport in ({"width": 1440, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(viewport)
        _walk(page, "/accounts/login/", str(viewport["width"]), problems)
    sign_in(page, alice.username)
    for viewport in ({"width": 1440, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(viewport)
        width = str(viewport["width"])
        for url in pages:
            _walk(page, url, width, problems)
        for name, reach in POSTED_PAGES.items():
            reach(page, acme.slug)
            _walk_here(page, f"{width} {page.url} (answer to {name})", problems)
        _walk(page, crash_page, width, problems, status=500)
    context.close()
    assert not problems, f"{len(problems)} keyboard problems:\n" + "\n".join(dict.fromkeys(problems))


@pytest.mark.once
def test_the_api_docs_page_works_with_the_keyboard_alone(browser, live_server, alice):
    """The API docs page (Swagger UI, drawn once the schema arrives) with Tab alone, signed out
    and as the administrator, at 1440 and at 390: every control Swagger UI draws is
    reached, each with a focus ring, and the focus comes back round."""
    problems: list[str] = []
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    for reader in (None, alice):
        if reader is not None:
            sign_in(page, reader.username)
        for viewport in ({"width": 1440, "height": 900}, {"width": 390, "height": 844}):
            page.set_viewport_size(viewport)
            page.goto("/api/docs/")
            page.locator(".opblock-get").first.wait_for()
            who = reader.username if reader else "signed out"
            _walk_here(
                page, f"{viewport['width']} {who} /api/docs/", problems, scope="#swagger-ui", bound=3000
            )
        context.clear_cookies()
    context.close()
    assert not problems, f"{len(problems)} keyboard problems:\n" + "\n".join(dict.fromkeys(problems))


def test_on_a_phone_the_menu_opens_from_the_keyboard_and_its_links_are_reachable(page, acme, alice):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "alice")
    navigation = page.locator("#app-nav")
    for key in ("Enter", " "):
        page.goto("/o/acme/")
        expect(navigation).to_be_hidden()
        _tab_to(page, "el.dataset.testid === 'nav-toggle'", limit=10)
        page.keyboard.press(key)
        expect(navigation).to_be_visible()
        # The open drawer takes the focus (a dialog: Tab then stays inside it).
        expect(page.locator("#app-nav:focus-within")).to_have_count(1)
        links = navigation.locator("a[href]")
        wanted = set(links.evaluate_all("els => els.map(a => a.getAttribute('href'))"))
        reached = set()
        for _ in range(len(wanted) + 5):
            page.keyboard.press("Tab")
            if _active(page, "!!el.closest('#app-nav')"):
                reached.add(_active(page, "el.getAttribute('href')"))
        assert wanted <= reached, f"not reached by Tab in the menu: {sorted(wanted - reached)}"
        page.keyboard.press("Escape")
        expect(navigation).to_be_hidden()
        assert _active(page, "el.dataset.testid") == "nav-toggle", "the focus goes back to the menu button"
    page.keyboard.press("Enter")
    expect(page.locator("#app-nav:focus-within")).to_have_count(1)
    _tab_to(page, "el.matches('#app-nav a[href$=\"/o/acme/assets/\"]')", limit=30)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/o/acme/assets/")


def _picker_by_keyboard(page, field: str, query: str) -> str:
    """With the focus in picker ``field``: add by arrow and Enter, remove by Backspace, Delete and
    the chip's button, then add one record for good; returns the label of the record kept."""
    options = page.locator(f"#id_{field}-listbox [role=option]")
    labels = page.locator(f"#id_{field}-picker .picker-chip-label")
    match = re.compile(re.escape(query), re.IGNORECASE)

    def type_query() -> None:
        page.keyboard.type(query)
        # Answered: the first match of this query is highlighted (a list on show from before is not),
        # and the list is open, so that Enter adds rather than submits the form.
        expect(page.locator(f"#id_{field}-listbox")).to_be_visible()
        expect(options.first).to_have_attribute("aria-selected", "true")
        expect(options.first).to_contain_text(match)

    type_query()
    expect(options.nth(1)).to_contain_text(match)
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    second = options.nth(1).locator("span").first.text_content()
    page.keyboard.press("Enter")
    expect(labels).to_have_text([second])
    expect(page.locator(f"#id_{field}")).to_have_value("")

    for key in ("Backspace", "Delete"):
        type_query()
        first = options.first.locator("span").first.text_content()
        page.keyboard.press("Enter")
        expect(labels).to_have_text([second, first])
        page.keyboard.press(key)  # in the empty box: the last chip goes
        expect(labels).to_have_text([second])

    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert _active(page, "el.getAttribute('aria-label')") == f"Remove {second}"
    page.keyboard.press("Space")
    expect(labels).to_have_count(0)
    assert _active(page, "el.id") == f"id_{field}", "the focus goes back to the box"

    # Straight after the remove button handed the focus back (a list closing late once hid the
    # new matches, and Enter then submitted the form).
    type_query()
    page.wait_for_timeout(200)
    expect(page.locator(f"#id_{field}-listbox")).to_be_visible()
    kept = options.first.locator("span").first.text_content()
    page.keyboard.press("Enter")
    expect(labels).to_have_text([kept])
    return kept


def test_every_picker_works_with_the_keyboard_alone(page, acme, alice):
    """Treatment controls and affected assets on a risk, reviewers on an impact assessment: type to
    search, arrow to an option, Enter to add, Backspace, Delete or the chip's button to remove."""
    for name in ("Payroll server", "Print server", "Mail server"):
        AssetFactory(organization=acme, owner=alice, name=name)
    system = AISystemFactory(organization=acme, owner=alice, name="Claims assistant")
    for username, first, last in (("olivia", "Olivia", "Ortiz"), ("oscar", "Oscar", "Olsen")):
        portal_member(acme, username, Role.COMPLIANCE_OFFICER, first, last)
    assessment = impact_assessment_create(
        organization=acme, actor=alice, ai_system=system, values={"owner": alice, "scope": "Claims."}
    )
    sign_in(page, "alice")

    page.goto("/o/acme/risks/new/")
    _tab_to(page, "el.id === 'id_controls'")
    control = _picker_by_keyboard(page, "controls", "8.1")
    _tab_to(page, "el.id === 'id_assets'")
    asset = _picker_by_keyboard(page, "assets", "server")
    values = page.eval_on_selector_all(
        "#id_controls-picker input[type=hidden], #id_assets-picker input[type=hidden]",
        "els => els.map(e => e.value)",
    )
    assert len(values) == 2
    assert control.startswith("ISO27001 8.1") and asset.endswith("server")

    page.goto(f"/o/acme/risks/impact-assessments/{assessment.pk}/")
    _tab_to(page, "el.matches('summary') && el.textContent.includes('Name reviewers')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _active(page, "el.id") == "id_reviewers"
    reviewer = _picker_by_keyboard(page, "reviewers", "ol")
    _tab_to(page, "el.matches('button[type=submit]') && el.textContent.includes('Save reviewers')", limit=5)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert [member_label(r.user) for r in assessment.reviewer_links.select_related("user")] == [reviewer]
