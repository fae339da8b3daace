"""In the browser: tick two assets, give them another owner in bulk, see it in history."""

import pytest

from core.roles import Role
from tests.conftest import sign_in
from tests.factories import AssetFactory

pytestmark = pytest.mark.browser


def test_select_two_assets_change_their_owner_and_see_it_in_history(
    page, live_server, acme, alice, make_member
):
    carol = make_member(acme, Role.CONTRIBUTOR, "carol")
    first = AssetFactory(organization=acme, owner=alice, name="Alpha server")
    AssetFactory(organization=acme, owner=alice, name="Beta server")
    AssetFactory(organization=acme, owner=alice, name="Gamma server")
    sign_in(page, "alice")
    page.goto("/o/acme/assets/?ordering=name")
    apply = page.get_by_test_id("bulk-apply")
    assert apply.is_disabled()
    rows = page.get_by_test_id("bulk-row")
    rows.nth(0).check()
    rows.nth(1).check()
    assert page.locator("[data-bulk-count]").inner_text() == "2"
    page.get_by_test_id("bulk-action").select_option("owner")
    page.get_by_test_id("bulk-owner").select_option(str(carol.pk))
    apply.click()
    page.wait_for_url("**/o/acme/assets/?ordering=name")
    assert "2 assets changed" in page.content()
    page.goto(f"/o/acme/assets/{first.pk}/history/")
    latest = page.locator(".timeline-item").first.inner_text()
    assert "Alice Archer" in latest and carol.display_name in latest, latest
