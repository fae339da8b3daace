import datetime

import pytest

from audits import services
from tests.conftest import sign_in

from .conftest import ISO27001, plan

pytestmark = pytest.mark.browser
TODAY = datetime.date.today()


def test_screens(page, acme, alice, audrey, carol, audit, olivia):
    items = list(audit.items.order_by("position"))
    for item in items[:30]:
        services.checklist_item_record(
            item=item, actor=audrey, values={"result": "conforming", "notes": "Seen the records."}
        )
    services.checklist_item_record(
        item=items[5],
        actor=audrey,
        values={
            "result": "major_nc",
            "notes": "No documented risk criteria for AI systems.",
            "evidence": "Risk policy v3\nInterview with the CISO",
        },
    )
    services.checklist_item_record(
        item=items[8], actor=audrey, values={"result": "observation", "notes": "Objectives lack measures."}
    )
    services.checklist_item_record(
        item=items[44], actor=audrey, values={"result": "minor_nc", "notes": "Two access reviews missed."}
    )
    finding = services.finding_create(
        item=items[5],
        actor=audrey,
        description="The AI risk criteria are not documented; the risk assessment of the claims assistant used the security criteria.",
    )
    services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={
            "root_cause": "The methodology predates the AI systems.",
            "action": "Add AI harm criteria to the methodology and reassess the AI risks.",
            "owner": carol,
            "due_date": TODAY - datetime.timedelta(days=4),
        },
    )
    services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={
            "root_cause": "No owner for the methodology.",
            "action": "Name the risk manager as the owner of the methodology.",
            "owner": olivia,
            "due_date": TODAY + datetime.timedelta(days=20),
        },
    )
    services.finding_create(
        item=items[8], actor=audrey, description="Objectives could say how they are measured."
    )
    planned = plan(
        acme, alice, frameworks=[ISO27001], title="Surveillance readiness 2027", type="surveillance"
    )
    review = services.management_review_create(
        organization=acme,
        actor=alice,
        values={
            "date": TODAY,
            "attendees": ["Alice Archer, CEO", "Olivia Ortiz, CISO"],
            "decisions": "Fund an AI risk workshop.\nReview the objectives quarterly.",
        },
    )
    services.corrective_action_create(
        actor=alice,
        review=review,
        values={
            "action": "Run the AI risk workshop",
            "owner": olivia,
            "due_date": TODAY + datetime.timedelta(days=30),
        },
    )
    action = finding.actions.first()
    sign_in(page, "alice")
    base = "/o/acme/audits"
    pages = {
        "list": f"{base}/",
        "new": f"{base}/new/",
        "edit": f"{base}/{planned.pk}/edit/",
        "detail": f"{base}/{audit.pk}/",
        "planned": f"{base}/{planned.pk}/",
        "checklist": f"{base}/{audit.pk}/checklist/",
        "item": f"{base}/{audit.pk}/checklist/{items[5].pk}/",
        "raise": f"{base}/{audit.pk}/checklist/{items[44].pk}/finding/",
        "findings": f"{base}/findings/",
        "finding": f"{base}/findings/{finding.pk}/",
        "actions": f"{base}/corrective-actions/",
        "action": f"{base}/corrective-actions/{action.pk}/",
        "action_new": f"{base}/findings/{finding.pk}/actions/new/",
        "reviews": f"{base}/management-reviews/",
        "review_new": f"{base}/management-reviews/new/",
        "review": f"{base}/management-reviews/{review.pk}/",
        "delete": f"{base}/{audit.pk}/delete/",
        "history": f"{base}/{audit.pk}/history/",
    }
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages.items():
            page.goto(url)
            page.screenshot(path=f"/tmp/shots-audit/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{base}/{audit.pk}/checklist/")
    page.click(f"#item-{items[6].pk} [data-testid=record-item]")
    page.wait_for_selector(f"#item-{items[6].pk}[data-testid=checklist-item-form]")
    page.locator(f"#item-{items[6].pk}").screenshot(path="/tmp/shots-audit/inline-form.png")
