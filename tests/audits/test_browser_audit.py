"""The audit programme in a real browser, one journey: plan a combined ISO/IEC 27001 + 42001
audit, start it, record a major nonconformity inline (htmx), raise a finding, add a corrective
action, complete and verify it, close the finding; then request the audit pack (findings first),
keep working in another tab while a real worker, running since the start, builds it, watch the
pack's page update itself to done without reloading, download the PDF and read it back."""

import datetime
import hashlib
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from audits.models import Audit, CorrectiveAction, Finding
from documents.models import DocumentStatus, GeneratedDocument
from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop, sign_in
from tests.factories import AssetFactory

from .conftest import ISO27001, ISO42001
from .pack_world import acme_registers

pytestmark = [pytest.mark.browser, pytest.mark.worker]

# Every state the pack's open page shows, as htmx swaps its status block in: [status, progress].
WATCH_STATUS = """(id) => {
  const item = document.getElementById(id);
  const seen = window.packStatusSeen = [];
  const note = () => {
    const status = item.querySelector("[data-testid=document-status]");
    const progress = status.querySelector("progress");
    const now = [status.dataset.status, progress ? Number(progress.value) : null];
    const last = seen[seen.length - 1];
    if (!last || last[0] !== now[0] || last[1] !== now[1]) seen.push(now);
  };
  note();
  new MutationObserver(note).observe(item, {childList: true, subtree: true});
}"""


@pytest.fixture
def pack_worker(settings, tmp_path):
    """A real worker from the start of the journey, so that it builds the pack as soon as it is
    requested; parts of one row, so that the build lasts long enough to be seen."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT), "AUDIT_PACK_ROWS_PER_PART": "1"}
    process = celery_worker_start(extra_env=env, name="pack-worker-browser")
    yield process
    celery_worker_stop(process)


def test_plan_perform_follow_up_and_take_the_pack_away_while_a_worker_builds_it(
    page, acme, alice, carol, version, pack_worker
):
    today = datetime.date.today()
    # The organization's registers, which the pack prints; a few more assets lengthen the build.
    registers = acme_registers(acme, alice)
    AssetFactory.create_batch(8, organization=acme, owner=alice)
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

    # Request the pack: findings first (a typed position moves the row), no SoA rows or gap analysis.
    page.goto(f"/o/acme/audits/{audit.pk}/")
    page.click("[data-testid=pack-link]")
    page.uncheck("[data-testid=pack-section-soa]")
    page.uncheck("[data-testid=pack-section-gap]")
    page.fill("[data-testid=pack-position-findings]", "1")
    page.press("[data-testid=pack-position-findings]", "Tab")
    expect(page.locator("[data-pack-section]").first).to_have_attribute("data-pack-section", "findings")
    page.click("[data-testid=pack-request]")
    page.wait_for_url("**/pack/?highlight=*")
    document = GeneratedDocument.objects.get(kind="audit_pack")
    assert document.parameters["sections"] == ["findings", "scope", "checklist", "risks", "assets", "impact"]
    status = page.locator(f"#document-{document.pk} [data-testid=document-status]")
    expect(status).to_have_attribute("data-status", re.compile(r"^(queued|running)$"))
    page.evaluate(WATCH_STATUS, f"document-{document.pk}")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    # Keep working in another tab while the worker builds it: the risk register, a risk, the finding.
    work = page.context.new_page()
    work.goto("/o/acme/risks/")
    assert GeneratedDocument.objects.get(pk=document.pk).status != DocumentStatus.DONE
    work.get_by_role("link", name="Ransomware on the claims database").first.click()
    work.wait_for_url(f"**/o/acme/risks/{registers['risks'][0].pk}/**")
    expect(work.get_by_text("Ransomware on the claims database").first).to_be_visible()
    work.goto(f"/o/acme/audits/findings/{finding.pk}/")
    expect(work.locator("[data-testid=finding-status]")).to_have_text("Closed")
    work.close()

    # The pack's page never reloaded: htmx showed it running, its progress rising, then done.
    page.bring_to_front()
    expect(status).to_have_attribute("data-status", "done", timeout=180_000)
    assert navigations == []
    seen = page.evaluate("window.packStatusSeen")
    running = [progress for state, progress in seen if state == "running"]
    assert running and None not in running and running == sorted(running), seen
    assert seen[-1] == ["done", None], seen
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    expect(status.locator(".doc-sha code")).to_have_text(document.sha256)

    # Download it: the SHA-256 shown is the file's; the sections in the order asked, with the
    # audit's nonconformity, finding and action and the organization's own records.
    with page.expect_download() as download_info:
        status.locator("[data-testid=document-download]").click()
    content = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    reader = PdfReader(io.BytesIO(content))
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "1. Findings and corrective actions",
        "2. Audit scope, objectives and team",
        "3. Checklist results",
        "4. Risk register",
        "5. Asset inventory and AI systems",
        "6. AI system impact assessments",
    ]
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
    assert audit.reference in text and "Combined internal audit" in text
    for recorded in (
        "No documented context analysis for the AI systems.",
        "Clause 4.1 of both standards: the AI systems are missing from the context.",
        "Add the AI systems and their interested parties to the context analysis.",
        "Context analysis v4 lists both AI systems.",
        action.reference,
    ):
        assert recorded in text, recorded
    assert all(risk.reference in text for risk in registers["risks"])
    assert all(asset.identifier in text for asset in registers["assets"])
    assert "Claims triage assistant" in text and "Claimants writing in a second language" in text
