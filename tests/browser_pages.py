"""The pages the whole-portal browser checks walk (axe in test_browser_a11y.py, the keyboard in
test_browser_keyboard.py): every page of the navigation, and the main record, history and form
pages of one organization with something in every register."""

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
from tests.factories import MembershipFactory, UserFactory


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
        reverse("audit-pack", kwargs={**org, "pk": audit.pk}),
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
