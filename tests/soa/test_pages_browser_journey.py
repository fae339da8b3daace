"""Journey 3 in a real browser: decide a control in place, reuse the decision across
the crosswalk, approve version 1 and find it on the versions page."""

import pytest
from playwright.sync_api import expect

from controls.models import Mapping
from soa.models import SoAEntry, SoAVersion
from tests.conftest import sign_in

from .conftest import decide_all, entry

pytestmark = pytest.mark.browser


def test_decide_inline_apply_across_the_crosswalk_and_approve_version_1(page, acme, alice, catalogues):
    decide_all(acme, alice)
    policy = entry(acme, "5.1")
    linked = Mapping.objects.filter(target_id=policy.control_id).values_list("source_id", flat=True)
    counterparts = list(SoAEntry.objects.filter(organization=acme, control_id__in=list(linked)))
    assert counterparts
    SoAEntry.objects.filter(pk__in=[policy.pk, *(c.pk for c in counterparts)]).update(applicable=None)

    sign_in(page, "alice")
    page.goto("/o/acme/soa/?search=Policies+for+information")
    row = page.locator(f"#soa-row-{policy.pk}")
    expect(row.locator("[data-testid=decision]")).to_have_text("Undecided")

    # Decide it in place: the row becomes a form and back, without a page load.
    page.evaluate("window.__same_page = true")
    row.locator("[data-testid=edit-row]").click()
    form = page.locator("[data-testid=soa-row-form]")
    expect(form).to_be_visible()
    form.locator("#id_applicable").select_option("true")
    form.locator("#id_status").select_option("implemented")
    form.locator("#id_reason_business_good_practice").fill("One policy set for the whole management system.")
    form.locator("[data-testid=save-row]").click()
    expect(page.locator(f"#soa-row-{policy.pk} [data-testid=decision]")).to_have_text("Applicable")
    expect(page.locator(f"#soa-row-{policy.pk} [data-testid=impl-status]")).to_have_text("Implemented")
    assert page.evaluate("window.__same_page") is True

    # Reuse it across the crosswalk, after seeing exactly what changes.
    page.locator(f"#soa-row-{policy.pk} [data-testid=row-menu]").click()
    page.locator(f"#soa-row-{policy.pk} [data-testid=apply-to-mapped]").click()
    page.wait_for_url("**/apply-to-mapped/")
    changes = page.locator("[data-testid=apply-change]")
    for counterpart in counterparts:
        expect(
            page.locator(
                f"[data-testid=apply-change][data-reference='{counterpart.control.reference}']"
            ).first
        ).to_be_visible()
    assert changes.count() >= len(counterparts)
    page.click("[data-testid=confirm-apply]")
    page.wait_for_url("**/o/acme/soa/**")
    for counterpart in counterparts:
        counterpart.refresh_from_db()
        assert (counterpart.applicable, counterpart.status) == (True, "implemented")

    # Approve version 1.
    page.click("[data-testid=approve-link]")
    page.wait_for_url("**/soa/versions/approve/")
    expect(page.locator("[data-testid=blocking-rows]")).to_have_count(0)
    page.fill("#id_change_summary", "First joint SoA of both standards.")
    page.click("[data-testid=approve-submit]")
    page.wait_for_url("**/soa/versions/1/")
    expect(page.locator("[data-testid=version-number]")).to_contain_text("1")
    expect(page.locator("[data-testid=version-summary]")).to_have_text("First joint SoA of both standards.")

    page.click("nav[aria-label=breadcrumb] a:has-text('Versions')")
    page.wait_for_url("**/soa/versions/")
    expect(page.locator("[data-testid=version-row][data-number='1']")).to_contain_text("Alice Archer")
    assert SoAVersion.objects.get(organization=acme).rows.count() == 131
