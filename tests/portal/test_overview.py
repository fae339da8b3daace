"""The overview answers "how far are we" for a hand-built organization: every figure is
what was built, and every figure's link opens a list showing the same count."""

import datetime
import re

import pytest
from django.utils import timezone

from assets.models import Asset
from audits import services as audit_services
from risks import services as risk_services
from risks.models import TreatmentAction
from risks.selectors import levels_above, methodology_for
from soa.models import SoAEntry
from tests.audits.conftest import approve_soa, plan
from tests.factories import AISystemFactory, AssetFactory, RiskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=10)


def _signed_assessment(organization, actor, system):
    assessment = risk_services.impact_assessment_create(
        organization=organization, actor=actor, ai_system=system, values={"owner": actor, "scope": "All use."}
    )
    risk_services.impact_assessment_update(
        assessment=assessment, actor=actor, values={"summary": "Acceptable."}
    )
    return risk_services.impact_assessment_sign_off(assessment=assessment, actor=actor)


@pytest.fixture
def built(acme, alice, audrey, carol):
    """Acme, by hand: 3 open risks (2 critical, above appetite) and a closed critical one,
    2 overdue treatment actions and 1 done late, 1 open risk past its review; 4 AI systems
    (2 high, 1 limited, 1 not classified), one signed off; the SoA decided and approved, then
    one ISO/IEC 27001 row implemented; an audit with one nonconformity and an overdue action."""
    assert "critical" in levels_above(methodology_for(acme)) and "low" not in levels_above(
        methodology_for(acme)
    )
    worst = RiskFactory(
        organization=acme, owner=alice, title="Worst", inherent_likelihood=5, inherent_impact=5
    )
    RiskFactory(organization=acme, owner=carol, title="Second", inherent_likelihood=5, inherent_impact=4)
    RiskFactory(
        organization=acme,
        owner=alice,
        title="Small",
        inherent_likelihood=1,
        inherent_impact=1,
        next_review_date=PAST,
    )
    RiskFactory(
        organization=acme,
        owner=alice,
        title="Gone",
        inherent_likelihood=5,
        inherent_impact=5,
        status="closed",
    )
    for owner, status in ((alice, "open"), (carol, "in_progress"), (alice, "done")):
        TreatmentAction.objects.create(
            organization=acme, risk=worst, owner=owner, description=f"{status}", due_date=PAST, status=status
        )
    high = AISystemFactory(organization=acme, owner=alice, name="Triage", ai_risk_class="high")
    AISystemFactory(organization=acme, owner=alice, name="Scoring", ai_risk_class="high")
    AISystemFactory(organization=acme, owner=alice, name="Chatbot", ai_risk_class="limited")
    AISystemFactory(organization=acme, owner=alice, name="Draft", ai_risk_class="")
    AssetFactory(organization=acme, owner=alice)  # not an AI system: counted nowhere here
    _signed_assessment(acme, alice, high)
    version = approve_soa(acme, alice)
    SoAEntry.objects.for_organization(acme).filter(
        control__framework__code="iso27001-2022", control__reference="5.1"
    ).update(status="implemented")
    audit = audit_services.audit_start(audit=plan(acme, alice, team=[audrey]), actor=alice)
    item = audit.items.order_by("position").first()
    audit_services.checklist_item_record(item=item, actor=audrey, values={"result": "major_nc"})
    finding = audit_services.finding_create(item=item, actor=audrey, description="No scope.")
    action = audit_services.corrective_action_create(
        actor=alice,
        finding=finding,
        values={
            "root_cause": "Unowned.",
            "action": "Write it.",
            "owner": carol,
            "due_date": TODAY + datetime.timedelta(days=3),
        },
    )
    type(action).objects.filter(pk=action.pk).update(due_date=PAST)
    return {"version": version}


def test_the_figures_are_those_of_the_organization(client, alice, built):
    client.force_login(alice)
    context = client.get("/o/acme/").context
    summary = context["risk_overview"].summary
    assert (summary.total, summary.above_appetite, summary.overdue_actions, summary.review_overdue) == (
        3,
        2,
        2,
        1,
    )
    assert [r.title for r in context["top_risks"]] == ["Worst", "Second"]
    ai = context["ai_systems"]
    assert (ai.total, ai.unsigned) == (4, 3)
    assert {c.value: c.count for c in ai.by_class} == {
        "prohibited": 0,
        "high": 2,
        "limited": 1,
        "minimal": 0,
        "": 1,
    }
    audits = context["audit_summary"]
    assert (audits.open_audits, audits.open_nonconformities, audits.overdue_corrective_actions) == (1, 1, 1)
    iso27001 = next(p for p in context["soa_progress"] if p.code == "iso27001-2022")
    assert iso27001.decided == iso27001.total and iso27001.applicable == iso27001.total - 1
    assert iso27001.implemented == 1


def _href(html: str, testid: str) -> str:
    match = re.search(rf'<a [^>]*href="([^"]+)"[^>]*data-testid="{testid}"', html)
    assert match, f"no link {testid}"
    return match.group(1).replace("&amp;", "&")


def _listed(client, url: str) -> int:
    """How many records the list at ``url`` says it shows."""
    context = client.get(url).context
    if "analysis" in context:  # the gap analysis
        return len(context["rows"])
    if "actions" in context and "owners" in context:  # the overdue treatment actions
        return context["total"]
    return context["paginator"].count


def test_every_figure_links_to_a_list_of_as_many(client, alice, built):
    client.force_login(alice)
    answer = client.get("/o/acme/")
    html, context = answer.content.decode(), answer.context
    summary, ai = context["risk_overview"].summary, context["ai_systems"]
    by_class = {c.value: c.count for c in ai.by_class}
    expected = {
        "overview-overdue": summary.overdue_actions,
        "overview-review-overdue": summary.review_overdue,
        "overview-open-risks": summary.total,
        "overview-above-appetite": summary.above_appetite,
        "ai-total": ai.total,
        "ai-unsigned": ai.unsigned,
        "ai-class-high": by_class["high"],
        "ai-class-limited": by_class["limited"],
        "ai-class-none": by_class[""],
        "overview-corrective": context["audit_summary"].overdue_corrective_actions,
        "overview-audits-link": context["audit_summary"].open_audits,
        "overview-nonconformities-link": context["audit_summary"].open_nonconformities,
    }
    for t in context["soa_gap"].totals:
        expected[f"gap-{t.verdict}"] = t.count
    for testid, count in expected.items():
        assert _listed(client, _href(html, testid)) == count, testid
    # The SoA figures of each standard (the card of each standard holds its links).
    for p in context["soa_progress"]:
        card = html[html.index(f'data-testid="progress-{p.code}"') :]
        card = card[: card.index("</div></div></div>")]
        for testid, count in (
            ("soa-total", p.total),
            ("soa-applicable", p.applicable),
            ("soa-implemented", p.implemented),
            ("soa-excluded", p.excluded),
        ):
            assert _listed(client, _href(card, testid)) == count, (p.code, testid)


def test_a_heat_map_cell_opens_the_register_filtered_to_it(client, alice, built):
    client.force_login(alice)
    html = client.get("/o/acme/").content.decode()
    cell = re.search(r'href="(/o/acme/risks/\?inherent_cell=5-5[^"]*)"', html)
    assert cell, "the 5-5 inherent cell links to the register"
    assert _listed(client, cell.group(1).replace("&amp;", "&")) == 1  # Worst (Gone is closed)


def test_the_low_value_cards_are_gone(client, alice, built):
    client.force_login(alice)
    html = client.get("/o/acme/").content.decode()
    assert 'data-testid="member-count"' not in html and "Member since" not in html
    assert 'data-testid="members-table"' not in html


def test_another_organizations_records_count_nowhere(client, charlie, alice, built):
    client.force_login(charlie)
    context = client.get("/o/globex/").context
    assert context["risk_overview"].summary.total == 0
    assert context["ai_systems"].total == 0
    assert context["audit_summary"].open_audits == 0
    assert context["top_risks"] == []
    assert Asset.objects.filter(organization__slug="acme").count() == 5
