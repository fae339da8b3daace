"""The foundation journey in a real browser: sign in, switch organization, see the members."""

import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_sign_in_switch_organization_and_see_members(page, acme, globex, alice, bob):
    MembershipFactory(organization=globex, user=alice, role=Role.AUDITOR)
    MembershipFactory(
        organization=globex, user=UserFactory(username="gina", first_name="Gina", last_name="Grey")
    )

    sign_in(page, "alice")
    page.goto("/o/acme/members/")
    assert "Bob Baker" in page.locator("[data-testid=members-table]").inner_text()
    page.goto("/o/acme/")
    assert page.locator("h1.page-title").inner_text() == "Acme Corp"

    page.click("[data-testid=org-switcher]")
    page.click("text=Globex Industries")
    page.wait_for_url("**/o/globex/")
    assert page.locator("h1.page-title").inner_text() == "Globex Industries"

    page.click("text=Members")
    page.wait_for_url("**/o/globex/members/")
    members = page.locator("[data-testid=members-table]").inner_text()
    assert "Gina Grey" in members and "Auditor" in members
    assert "Bob Baker" not in members


def test_a_wrong_password_is_refused(page, alice):
    sign_in(page, "alice", "not-her-password")
    assert "didn't match" in page.content()


def test_pages_load_nothing_from_other_hosts(page, acme, alice, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, "alice")
    page.goto("/o/acme/members/")
    assert requested
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested


def test_the_audit_trail_shows_a_change_and_filters_by_record_type(page, acme, alice, bob):
    sign_in(page, "alice")
    page.goto("/o/acme/settings/")
    page.fill("#id_name", "Acme Group")
    page.click(".app-content form button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.click("text=Audit trail")
    page.wait_for_url("**/o/acme/activity/")
    page.select_option("#id_kind", "organizations.organization")
    page.click("[data-testid=trail-filters] button[type=submit]")
    page.wait_for_url("**kind=organizations.organization**")
    trail = page.locator("[data-testid=trail]")
    expect(trail).to_contain_text("Acme Group")
    expect(trail).to_contain_text("Acme Corp")  # the old name, struck through
    expect(trail).to_contain_text("Alice Archer")
    assert "Bob Baker" not in trail.inner_text()  # membership rows are filtered out

    page.click("[data-testid=trail] .trail-history-link >> nth=0")
    page.wait_for_url("**/o/acme/activity/organizations.organization/**")
    expect(page.locator(".timeline")).to_contain_text("Acme Group")
