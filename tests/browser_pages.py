"""The pages the whole-portal browser checks walk (axe in test_browser_a11y.py, the keyboard in
test_browser_keyboard.py): every page of the navigation, every record, history, form and delete
confirmation page of one organization with something in every register, and the pages only a POST
shows (``POSTED_PAGES``). ``tests/test_every_page_is_checked.py`` holds these lists against the URL
conf, so that a new page cannot escape the checks."""

import datetime

from django.urls import reverse

from api_tokens.services import api_token_create
from assets.services import asset_delete
from audits import services as audit_services
from audits.models import CorrectiveAction
from controls.models import Control
from core.roles import Role
from documents import services as document_services
from organizations.models import Membership
from risks.models import ImpactAssessment
from risks.services import treatment_action_create
from soa import services as soa_services
from soa.models import SoAEntry
from tests.audits.pack_world import acme_world
from tests.factories import AssetFactory, MembershipFactory, UserFactory


def portal_member(organization, username, role, first, last):
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


def portal_world(acme, alice) -> dict:
    """Acme with a compliance officer, an auditor and a contributor, and (``acme_world``) assets, an
    AI system and its impact assessment, treated risks, an approved SoA, a started audit with a
    finding and a corrective action; plus a management review and a generated document."""
    olivia = portal_member(acme, "olivia", Role.COMPLIANCE_OFFICER, "Olivia", "Ortiz")
    audrey = portal_member(acme, "audrey", Role.AUDITOR, "Audrey", "Adams")
    carol = portal_member(acme, "carol", Role.CONTRIBUTOR, "Carol", "Cook")
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
    # Past its date: the overdue actions page lists it, and risks:action_update edits it.
    world["treatment_action"] = treatment_action_create(
        risk=world["risks"][0],
        actor=alice,
        values={
            "description": "Restore the claims database from the offline backup.",
            "owner": carol,
            "due_date": datetime.date.today() - datetime.timedelta(days=7),
        },
    )
    # A second SoA version, so that the version diff compares two.
    entry = SoAEntry.objects.filter(organization=acme, control__reference="8.7").get()
    soa_services.soa_entry_update(entry=entry, actor=alice, values={"status": "implemented"})
    world["version_2"] = soa_services.soa_version_approve(
        organization=acme, actor=alice, change_summary="Backups (8.7) implemented."
    )
    # A deleted asset: the trail of a live one is sent to its own history page.
    retired = AssetFactory(organization=acme, owner=alice, name="Retired fax server", identifier="ACME-FAX-1")
    world["deleted_asset_pk"] = retired.pk
    asset_delete(asset=retired, actor=alice)
    world["api_token"] = api_token_create(user=alice, name="Nightly evidence export").token
    world.update(olivia=olivia, audrey=audrey, carol=carol)
    return world


def navigation_pages(slug: str, *, admin: bool) -> list[str]:
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


def record_pages(slug: str, world: dict) -> list[str]:
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
    item = assessment.items.order_by("pk").first()
    treatment = world["treatment_action"]
    return [
        reverse("assets:detail", kwargs={**org, "pk": server.pk}),
        reverse("assets:detail", kwargs={**org, "pk": triage.pk}),
        reverse("assets:create", kwargs=org),
        reverse("assets:update", kwargs={**org, "pk": triage.pk}),
        reverse("assets:history", kwargs={**org, "pk": server.pk}),
        reverse("assets:delete", kwargs={**org, "pk": server.pk}),
        reverse("assets:import", kwargs=org),
        reverse("risks:detail", kwargs={**org, "pk": risk.pk}),
        reverse("risks:create", kwargs=org),
        reverse("risks:update", kwargs={**org, "pk": risk.pk}),
        reverse("risks:history", kwargs={**org, "pk": risk.pk}),
        reverse("risks:delete", kwargs={**org, "pk": risk.pk}),
        reverse("risks:action_update", kwargs={**org, "pk": risk.pk, "action_id": treatment.pk}),
        reverse("risks:overdue_actions", kwargs=org),
        reverse("risks:heat_maps", kwargs=org),
        reverse("risks:methodology", kwargs=org),
        reverse("risks:import", kwargs=org),
        reverse("risks:assessment_create", kwargs=org),
        reverse("risks:assessment_detail", kwargs={**org, "pk": assessment.pk}),
        reverse("risks:assessment_update", kwargs={**org, "pk": assessment.pk}),
        reverse("risks:assessment_history", kwargs={**org, "pk": assessment.pk}),
        reverse("risks:assessment_delete", kwargs={**org, "pk": assessment.pk}),
        reverse("risks:item_create", kwargs={**org, "pk": assessment.pk}),
        reverse("risks:item_update", kwargs={**org, "pk": assessment.pk, "item_id": item.pk}),
        reverse("soa:versions", kwargs=org),
        reverse("soa:version_detail", kwargs={**org, "number": world["version"].number}),
        reverse("soa:version_diff", kwargs={**org, "number": world["version_2"].number}),
        reverse("soa:approve", kwargs=org),
        reverse("audits:detail", kwargs={**org, "pk": audit.pk}),
        reverse("audits:update", kwargs={**org, "pk": audit.pk}),
        reverse("audits:history", kwargs={**org, "pk": audit.pk}),
        reverse("audits:delete", kwargs={**org, "pk": audit.pk}),
        reverse("audit-pack", kwargs={**org, "pk": audit.pk}),
        reverse("audits:checklist", kwargs={**org, "pk": audit.pk}),
        # Without htmx an item's own page (its form, evidence and findings).
        reverse(
            "audits:checklist_item", kwargs={**org, "pk": audit.pk, "item_id": finding.checklist_item_id}
        ),
        reverse("audits:create", kwargs=org),
        reverse("audits:finding_detail", kwargs={**org, "pk": finding.pk}),
        reverse("audits:finding_history", kwargs={**org, "pk": finding.pk}),
        reverse("audits:finding_delete", kwargs={**org, "pk": finding.pk}),
        reverse("audits:action_detail", kwargs={**org, "pk": action.pk}),
        reverse("audits:action_history", kwargs={**org, "pk": action.pk}),
        reverse("audits:action_delete", kwargs={**org, "pk": action.pk}),
        reverse(
            "audits:finding_raise",
            kwargs={**org, "pk": audit.pk, "item_id": finding.checklist_item_id},
        ),
        reverse("audits:finding_action_create", kwargs={**org, "finding_pk": finding.pk}),
        reverse("audits:action_update", kwargs={**org, "pk": action.pk}),
        reverse("audits:review_create", kwargs=org),
        reverse("audits:review_detail", kwargs={**org, "pk": review.pk}),
        reverse("audits:review_update", kwargs={**org, "pk": review.pk}),
        reverse("audits:review_history", kwargs={**org, "pk": review.pk}),
        reverse("audits:review_delete", kwargs={**org, "pk": review.pk}),
        reverse("audits:review_action_create", kwargs={**org, "review_pk": review.pk}),
        reverse("soa:detail", kwargs={**org, "pk": entry.pk}),
        reverse("soa:edit", kwargs={**org, "pk": entry.pk}),
        reverse("soa:history", kwargs={**org, "pk": entry.pk}),
        reverse("soa:apply_to_mapped", kwargs={**org, "pk": entry.pk}),
        reverse("documents:status", kwargs={**org, "pk": world["document"].pk}),
        reverse("documents:delete", kwargs={**org, "pk": world["document"].pk}),
        # The 404 page; the 403 page is what the viewer gets on every form above.
        f"/o/{slug}/no-such-page/",
        reverse("organizations:create"),
        reverse("organizations:member_detail", kwargs={**org, "membership_id": membership.pk}),
        reverse(
            "controls:control",
            kwargs={**org, "framework_code": "iso27001-2022", "reference": control.reference},
        ),
        reverse("controls:catalogue", kwargs={**org, "framework_code": "iso42001-2023"}),
        reverse("controls:clauses", kwargs={**org, "framework_code": "iso27001-2022"}),
        reverse("controls:clauses", kwargs={**org, "framework_code": "iso42001-2023"}),
        reverse(
            "organizations:record_history",
            kwargs={**org, "kind": "assets.asset", "pk": world["deleted_asset_pk"]},
        ),
        # The administrator's own token; the others get the 404 page.
        reverse("api_tokens:revoke", kwargs={"pk": world["api_token"].pk}),
        reverse("api_tokens:create"),
        reverse("accounts:password_change_done"),
    ]


# --- Pages only a POST shows ---------------------------------------------------

ASSET_CSV = (
    "identifier,name,kind,owner,confidentiality,ai_risk_class,ai_intended_purpose,relations\n"
    "ACME-SRV-2,Archive server,hardware,alice,3,,,\n"
    "ACME-RBT-1,Warehouse robot,robot,alice,9,,,\n"  # an unknown kind and a rating off the scale
)
RISK_CSV = (
    "reference,title,category,owner,threat,affects_availability,ai_harm_area,assets,"
    "inherent_likelihood,inherent_impact,controls,status,acceptance_justification\n"
    ",Flooded server room,information_security,alice,Flood,yes,,ACME-SRV-1,2,4,ISO27001:8.7,,\n"
    ",Robot uprising,robots,nobody,,,,,9,2,,,\n"  # an unknown category and owner, a likelihood off the scale
)


def _import_preview(page, slug: str, register: str, csv: str) -> None:
    page.goto(reverse(f"{register}:import", kwargs={"organization_slug": slug}))
    page.set_input_files(
        "#id_file", files=[{"name": f"{register}.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()


def asset_import_preview(page, slug: str) -> None:
    """The asset import's preview of a file with a good row and a bad one."""
    _import_preview(page, slug, "assets", ASSET_CSV)


def risk_import_preview(page, slug: str) -> None:
    """The risk import's preview of a file with a good row and a bad one."""
    _import_preview(page, slug, "risks", RISK_CSV)


def asset_bulk_delete_confirmation(page, slug: str) -> None:
    """What deleting every asset on the list affects (core/bulk_confirm_delete.html)."""
    page.goto(reverse("assets:list", kwargs={"organization_slug": slug}))
    page.get_by_test_id("bulk-select-page").check()
    page.get_by_test_id("bulk-action").select_option("delete")
    with page.expect_navigation():
        page.get_by_test_id("bulk-apply").click()


def soa_bulk_edit_refused(page, slug: str) -> None:
    """The SoA's "change rows together" page, after excluding two rows without a justification."""
    page.goto(reverse("soa:list", kwargs={"organization_slug": slug}))
    rows = page.get_by_test_id("select-row")
    rows.nth(0).check()
    rows.nth(1).check()
    page.get_by_test_id("bulk-form").get_by_label("Applicability").select_option("false")
    with page.expect_navigation():
        page.get_by_test_id("bulk-apply").click()


def api_token_created(page, slug: str) -> None:
    """The page that shows a new token's secret, the one time it is shown."""
    page.goto(reverse("api_tokens:create"))
    page.get_by_label("Name").fill("Keyboard check")
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()


#: URL name posted to -> how a signed-in administrator reaches the page that answers the POST.
POSTED_PAGES = {
    "assets:import": asset_import_preview,
    "risks:import": risk_import_preview,
    "assets:bulk": asset_bulk_delete_confirmation,
    "soa:bulk_edit": soa_bulk_edit_refused,
    "api_tokens:create": api_token_created,
}
#: Pages checked by tests of their own: the sign-in page (signed out) and the API docs (drawn by
#: Swagger UI after the schema arrives).
OWN_TEST_PAGES = ("accounts:login", "api-docs")
