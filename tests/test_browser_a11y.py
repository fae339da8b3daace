"""axe-core over the portal (issue 13): every page of the navigation and the main record and
form pages, as each role, at 1440x900 and (the navigation pages) at 390x844, with no serious or
critical violation.

axe-core is vendored in static/vendor/axe-core/ for these tests only; no shipped page loads it.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from audits import services as audit_services
from audits.models import CorrectiveAction
from controls.models import Control
from core.roles import Role
from documents import services as document_services
from organizations.models import Membership
from risks.models import ImpactAssessment
from soa.models import SoAEntry
from tests.audits.pack_world import acme_world
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory

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


def _member(organization, username, role, first, last):
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


def _navigation_pages(slug: str, *, admin: bool) -> list[str]:
    org = {"organization_slug": slug}
    names = [
        "portal:overview",
        "portal:my_work",
        "controls:crosswalk",
        "assets:list",
        "risks:list",
        "risks:assessment_list",
        "soa:list",
        "soa:gap_analysis",
        "documents:list",
        "audits:list",
        "audits:findings",
        "audits:actions",
        "audits:reviews",
        "organizations:members",
        "organizations:activity",
        "notifications:list",
    ]
    pages = [reverse(name, kwargs=org) for name in names]
    pages.append(reverse("controls:catalogue", kwargs={**org, "framework_code": "iso27001-2022"}))
    if admin:
        pages.append(reverse("organizations:settings", kwargs=org))
    pages += [reverse("organizations:list"), reverse("api_tokens:list"), reverse("accounts:password_change")]
    return pages


def _record_pages(slug: str, world: dict) -> list[str]:
    org = {"organization_slug": slug}
    server, triage = world["assets"]
    risk = world["risks"][0]
    audit = world["audit"]
    assessment = ImpactAssessment.objects.get(ai_system=triage)
    action = CorrectiveAction.objects.get(pk=world["action"].pk)
    membership = Membership.objects.filter(organization__slug=slug).order_by("pk").first()
    control = Control.objects.get(framework__code="iso27001-2022", reference="8.7")
    finding = world["finding"]
    review = world["review"]
    entry = SoAEntry.objects.filter(organization__slug=slug, control=control).get()
    return [
        reverse("assets:detail", kwargs={**org, "pk": server.pk}),
        reverse("assets:detail", kwargs={**org, "pk": triage.pk}),
        reverse("assets:create", kwargs=org),
        reverse("assets:update", kwargs={**org, "pk": triage.pk}),
        reverse("assets:history", kwargs={**org, "pk": server.pk}),
        reverse("assets:import", kwargs=org),
        reverse("risks:detail", kwargs={**org, "pk": risk.pk}),
        reverse("risks:create", kwargs=org),
        reverse("risks:update", kwargs={**org, "pk": risk.pk}),
        reverse("risks:history", kwargs={**org, "pk": risk.pk}),
        reverse("risks:heat_maps", kwargs=org),
        reverse("risks:methodology", kwargs=org),
        reverse("risks:import", kwargs=org),
        reverse("risks:assessment_create", kwargs=org),
        reverse("risks:assessment_detail", kwargs={**org, "pk": assessment.pk}),
        reverse("soa:versions", kwargs=org),
        reverse("soa:version_detail", kwargs={**org, "number": world["version"].number}),
        reverse("audits:detail", kwargs={**org, "pk": audit.pk}),
        reverse("audits:checklist", kwargs={**org, "pk": audit.pk}),
        reverse("audits:create", kwargs=org),
        reverse("audits:finding_detail", kwargs={**org, "pk": world["finding"].pk}),
        reverse("audits:action_detail", kwargs={**org, "pk": action.pk}),
        reverse(
            "audits:finding_raise",
            kwargs={**org, "pk": audit.pk, "item_id": finding.checklist_item_id},
        ),
        reverse("audits:finding_action_create", kwargs={**org, "finding_pk": finding.pk}),
        reverse("audits:action_update", kwargs={**org, "pk": action.pk}),
        reverse("audits:review_create", kwargs=org),
        reverse("audits:review_detail", kwargs={**org, "pk": review.pk}),
        reverse("audits:review_update", kwargs={**org, "pk": review.pk}),
        reverse("audits:review_action_create", kwargs={**org, "review_pk": review.pk}),
        reverse("soa:edit", kwargs={**org, "pk": entry.pk}),
        reverse("documents:status", kwargs={**org, "pk": world["document"].pk}),
        # The 404 page; the 403 page is what the viewer gets on every form above.
        f"/o/{slug}/no-such-page/",
        reverse("organizations:create"),
        reverse("organizations:member_detail", kwargs={**org, "membership_id": membership.pk}),
        reverse(
            "controls:control",
            kwargs={**org, "framework_code": "iso27001-2022", "reference": control.reference},
        ),
    ]


def _scan(page, url: str, viewport: str, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url} answered {response and response.status}"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    for violation in page.evaluate(AXE_RUN):
        if violation["impact"] in FAILING_IMPACTS:
            for target in violation["targets"]:
                rule = f"{violation['id']} ({violation['impact']})"
                problems.append(f"{viewport} {url}: {rule} at {target} — {violation['help']}")


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
    browser, live_server, acme, alice, bob
):
    olivia = _member(acme, "olivia", Role.COMPLIANCE_OFFICER, "Olivia", "Ortiz")
    audrey = _member(acme, "audrey", Role.AUDITOR, "Audrey", "Adams")
    carol = _member(acme, "carol", Role.CONTRIBUTOR, "Carol", "Cook")
    world = acme_world(acme, alice, audrey, carol)
    world["review"] = audit_services.management_review_create(
        organization=acme,
        actor=alice,
        values={"date": world["action"].due_date, "attendees": ["Board"], "decisions": "Keep the scope."},
    )
    # documents:list (a navigation page) then lists it too.
    world["document"] = document_services.document_request(
        organization=acme, actor=alice, kind="asset_inventory_xlsx", parameters={}
    )
    records = [*_record_pages(acme.slug, world), reverse("api-docs")]
    problems: list[str] = []

    # The sign-in page, before anyone is signed in.
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, bypass_csp=True
    )
    _scan(context.new_page(), reverse("accounts:login"), "1440", problems)
    context.close()

    for user in (alice, olivia, audrey, bob, carol):
        navigation = _navigation_pages(acme.slug, admin=user == alice)
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
        for url in navigation:
            _scan(page, url, f"390 {user.username}", problems)
        context.close()

    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(
        dict.fromkeys(problems)
    )
