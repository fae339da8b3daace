"""The audit programme in a real browser: plan a combined ISO/IEC 27001 + 42001
audit, start it, record a major nonconformity inline (htmx), raise a finding, add
a corrective action, complete and verify it, and close the finding."""

import datetime

import pytest
from playwright.sync_api import expect

from audits.models import Audit, CorrectiveAction, Finding
from tests.conftest import sign_in

from .conftest import ISO27001, ISO42001

pytestmark = pytest.mark.browser


def test_plan_start_record_raise_act_verify_and_close(page, acme, alice, carol, version):
    today = datetime.date.today()
    sign_in(page, "alice")

    # Plan: both standards are ticked by default, one combined audit.
    page.goto("/o/acme/audits/")
    page.click("[data-testid=new-audit]")
    expect(page.locator(f"[data-testid=frameworks-field] input[value={ISO27001}]")).to_be_checked()
    expect(page.locator(f"[data-testid=frameworks-field] input[value={ISO42001}]")).to_be_checked()
    page.fill("#id_title", "Combined internal audit")
    page.fill("#id_planned_start", today.isoformat())
    page.fill("#id_planned_end", (today + datetime.timedelta(days=4)).isoformat())
    page.click("[data-testid=save-audit]")
    page.wait_for_url("**/o/acme/audits/*/")
    expect(page.locator("[data-testid=audit-status]")).to_have_text("Planned")
    audit = Audit.objects.get(title="Combined internal audit")
    assert audit.frameworks == [ISO27001, ISO42001]

    # Start: the SoA version is fixed and the controls join the checklist.
    page.click("[data-testid=start-audit]")
    expect(page.locator("[data-testid=audit-status]")).to_have_text("In progress")
    expect(page.locator("[data-testid=soa-version]")).to_contain_text(f"Version {version.number}")

    # Record a major nonconformity on clause 4 in place.
    page.click("[data-testid=checklist-link]")
    item = page.locator("[data-testid=checklist-item][data-reference='4']").first
    item.locator("[data-testid=record-item]").click()
    form = page.locator("[data-testid=checklist-item-form][data-reference='4']")
    form.locator("select[name=result]").select_option("major_nc")
    form.locator("textarea[name=notes]").fill("No documented context analysis for the AI systems.")
    form.locator("[data-testid=save-item]").click()
    recorded = page.locator("[data-testid=checklist-item][data-reference='4']").first
    expect(recorded.locator("[data-testid=item-result]")).to_have_text("Major nonconformity")
    expect(recorded.locator("[data-testid=item-notes]")).to_contain_text("No documented context analysis")

    # Raise the finding from it.
    recorded.locator("[data-testid=raise-finding]").click()
    expect(page.locator("#id_severity")).to_have_value("major_nc")
    page.fill("#id_description", "Clause 4.1 of both standards: the AI systems are missing from the context.")
    page.click("[data-testid=save-finding]")
    page.wait_for_url("**/findings/*/")
    finding = Finding.objects.get(audit=audit)
    expect(page.locator("[data-testid=finding-close-blockers]")).to_contain_text("needs at least one")

    # A corrective action, owned by Carol.
    page.click("[data-testid=add-action]")
    page.fill("#id_root_cause", "The context analysis predates the AI programme.")
    page.fill("#id_action", "Add the AI systems and their interested parties to the context analysis.")
    page.select_option("#id_owner", str(carol.pk))
    page.fill("#id_due_date", (today + datetime.timedelta(days=30)).isoformat())
    page.click("[data-testid=save-action]")
    page.wait_for_url(f"**/findings/{finding.pk}/")
    action = CorrectiveAction.objects.get(finding=finding)
    expect(page.locator("[data-testid=finding-close-blockers]")).to_contain_text(
        f"{action.reference} is not verified effective"
    )

    # Done, then verified effective.
    page.click(f"[data-testid=actions] a:text('{action.reference}')")
    page.click("[data-testid=edit-action]")
    page.select_option("#id_status", "done")
    page.click("[data-testid=save-action]")
    expect(page.locator("[data-testid=action-status]")).to_have_text("Done")
    page.check("input[name=result][value=effective]")
    page.fill("#id_notes", "Context analysis v4 lists both AI systems.")
    page.click("[data-testid=verify-action]")
    expect(page.locator("[data-testid=verification-record]")).to_contain_text("Alice Archer")

    # The finding closes now.
    page.goto(f"/o/acme/audits/findings/{finding.pk}/")
    page.click("[data-testid=close-finding]")
    expect(page.locator("[data-testid=finding-status]")).to_have_text("Closed")
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.closed_by == alice
