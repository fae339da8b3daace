"""Where a record is used, for the records beyond assets, controls and members
(core.where_used): a risk, an impact assessment, an SoA row, an audit, a finding, a
corrective action and a management review each list the organization's records that use
them, on their page and through their ``where-used/`` API action. Globex uses the same
control, the same audit reference and the same ids in its parameters: none of it shows at
Acme, and the queries do not grow with the uses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services
from audits.models import ManagementReview
from controls.models import Control
from core.where_used import DEFAULT_LIMIT, where_used
from documents.models import GeneratedDocument
from organizations.models import Membership
from risks.models import RiskControl
from risks.services import impact_assessment_create, impact_item_create, impact_item_raise_risk
from soa.models import SoAEntry
from tests.audits.conftest import ISO27001, approve_soa, plan
from tests.factories import (
    AISystemFactory,
    AssetFactory,
    AssetRelationFactory,
    RiskFactory,
    TreatmentActionFactory,
)

TODAY = datetime.date.today()


def _control(reference, framework=ISO27001):
    return Control.objects.get(framework__code=framework, reference=reference)


def _treats(risk, control):
    RiskControl.objects.create(organization=risk.organization, risk=risk, control=control)


def _raise_risk(assessment, actor, description):
    item = impact_item_create(
        assessment=assessment,
        actor=actor,
        values={
            "area": "fairness",
            "affected_party": "individuals",
            "description": description,
            "severity": 4,
            "likelihood": 3,
        },
    )
    return impact_item_raise_risk(item=item, actor=actor)


def _finding_on(audit, control, actor, description):
    item = audit.items.get(control=control)
    item = services.checklist_item_record(item=item, actor=actor, values={"result": "minor_nc"})
    return services.finding_create(item=item, actor=actor, description=description)


def _action(actor, owner, text, **source):
    return services.corrective_action_create(
        actor=actor,
        values={
            "action": text,
            "owner": owner,
            "due_date": TODAY + datetime.timedelta(days=30),
            **({"root_cause": "Nobody owned it."} if "finding" in source else {}),
        },
        **source,
    )


def _pack(organization, audit_id, title):
    return GeneratedDocument.objects.create(
        organization=organization,
        kind="audit_pack",
        title=title,
        parameters={"audit": audit_id},
        filename="pack.pdf",
        content_type="application/pdf",
    )


def _stored_audit(reference, title):
    return {
        "reference": reference,
        "title": title,
        "type": "internal",
        "frameworks": [ISO27001],
        "actual_end": TODAY.isoformat(),
        "results": {},
    }


class Acme:
    """The hand-built case: one of each record, each using the one before."""


@pytest.fixture
def world(acme, alice, audrey, carol):
    w = Acme()
    w.ai = AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")
    w.model = AssetFactory(organization=acme, owner=alice, name="Triage model", identifier="AST-0003")
    AssetRelationFactory(source=w.ai, target=w.model)
    w.assessment = impact_assessment_create(
        organization=acme, actor=alice, ai_system=w.ai, values={"owner": alice, "scope": "Claims."}
    )
    w.risk = _raise_risk(w.assessment, alice, "Claimants who write in a second language are triaged later.")
    w.control = _control("5.9")
    _treats(w.risk, w.control)
    w.treatment = TreatmentActionFactory(risk=w.risk, description="Retrain with balanced data")
    w.version = approve_soa(acme, alice)
    w.entry = SoAEntry.objects.get(organization=acme, control=w.control)
    audit = services.audit_plan(
        organization=acme,
        actor=alice,
        values={
            "title": "Internal audit",
            "frameworks": [ISO27001],
            "planned_start": TODAY,
            "planned_end": TODAY,
            "lead_auditor": alice,
        },
        team=[audrey],
        assets=[w.ai],
    )
    w.audit = services.audit_start(audit=audit, actor=alice)
    w.finding = _finding_on(w.audit, w.control, alice, "The inventory misses the AI systems.")
    w.action = _action(alice, carol, "Add the AI systems to the inventory.", finding=w.finding)
    w.pack = _pack(acme, w.audit.pk, "Audit pack AUD-1")
    w.review = services.management_review_create(
        organization=acme, actor=alice, values={"date": TODAY, "attendees": ["Alice"]}
    )
    # As the review's inputs would have stored the audit once closed (a snapshot, by reference).
    ManagementReview.objects.filter(pk=w.review.pk).update(
        inputs={"audits": [_stored_audit(w.audit.reference, w.audit.title)]}
    )
    w.review.refresh_from_db()
    w.review_action = _action(alice, carol, "Budget a second auditor.", review=w.review)
    return w


@pytest.fixture
def globex_twin(globex, charlie, world):
    """Globex uses the same control, has an AUD-1 with a finding on it, a review that took
    AUD-1 as input, and a pack whose parameters carry Acme's audit id: none of it shows at Acme."""
    risk = RiskFactory(organization=globex, owner=charlie, title="Globex secret risk")
    _treats(risk, world.control)
    approve_soa(globex, charlie)
    audit = services.audit_start(audit=plan(globex, charlie, title="Globex secret audit"), actor=charlie)
    finding = _finding_on(audit, world.control, charlie, "Globex secret finding")
    _action(charlie, charlie, "Globex secret action", finding=finding)
    review = services.management_review_create(organization=globex, actor=charlie, values={"date": TODAY})
    ManagementReview.objects.filter(pk=review.pk).update(
        inputs={"audits": [_stored_audit("AUD-1", "Globex secret audit")]}
    )
    _pack(globex, world.audit.pk, "Globex secret pack")
    return audit


def _lines(record, organization):
    return {line.key: line for line in where_used(record, organization=organization)}


def _labels(line):
    return [item.label for item in line.items]


def test_a_risk_lists_its_assessment_actions_soa_rows_and_audit_checks(acme, world, globex_twin):
    lines = _lines(world.risk, acme)

    assert _labels(lines["impact_assessments"]) == ["AST-0002 Claims assistant, version 1"]
    assert _labels(lines["treatment_actions"]) == [str(world.treatment)]
    assert lines["soa_rows"].count == 1
    assert lines["soa_rows"].items[0].url == reverse("soa:detail", args=[acme.slug, world.entry.pk])
    assert lines["soa_rows"].all_url.endswith(f"?risk={world.risk.pk}")
    assert lines["audit_checks"].count == 1
    assert lines["audit_checks"].items[0].note == "Minor nonconformity"
    assert _labels(lines["findings"]) == [f"{world.finding.reference} The inventory misses the AI systems."]
    assert "Globex" not in str(lines)


def test_an_impact_assessment_lists_its_ai_system_assets_risks_and_audits(acme, world, globex_twin):
    lines = _lines(world.assessment, acme)

    assert _labels(lines["ai_system"]) == ["AST-0002 Claims assistant"]
    assert _labels(lines["assets"]) == ["AST-0003 Triage model"]
    assert _labels(lines["risks"]) == [f"{world.risk.reference} {world.risk.title}"]
    assert lines["risks"].all_url.endswith(f"?assessment={world.assessment.pk}")
    assert _labels(lines["audits"]) == [str(world.audit)]
    assert lines["audits"].all_url.endswith(f"?asset={world.ai.pk}")
    assert "Globex" not in str(lines)


def test_an_soa_row_lists_the_risks_the_audit_checks_the_findings_and_its_counterparts(
    acme, world, globex_twin
):
    lines = _lines(world.entry, acme)

    assert _labels(lines["risks"]) == [f"{world.risk.reference} {world.risk.title}"]
    assert lines["risks"].all_url.endswith(f"?control={world.control.pk}")
    assert [(i.label, i.note) for i in lines["audit_checks"].items] == [
        (f"{world.audit.reference} 5.9 {world.control.title}", "Minor nonconformity")
    ]
    assert lines["findings"].count == 1
    assert lines["findings"].all_url.endswith(f"?control={world.control.pk}")
    assert lines["counterpart_decisions"].count >= 1
    assert "Globex" not in str(lines)


def test_an_audit_lists_findings_actions_soa_version_packs_and_reviews(acme, world, globex_twin):
    lines = _lines(world.audit, acme)

    assert lines["findings"].count == 1
    assert lines["findings"].all_url.endswith(f"?audit={world.audit.pk}")
    assert _labels(lines["corrective_actions"]) == [str(world.action)]
    assert lines["corrective_actions"].all_url.endswith(f"?audit={world.audit.pk}")
    assert _labels(lines["soa_version"]) == [str(world.version)]
    assert _labels(lines["packs"]) == ["Audit pack AUD-1"]
    assert _labels(lines["management_reviews"]) == [str(world.review)]
    assert "Globex" not in str(lines)


def test_a_planned_audit_says_its_soa_version_is_fixed_when_it_starts(acme, alice, world):
    planned = plan(acme, alice, title="Next audit")
    line = _lines(planned, acme)["soa_version"]
    assert (line.count, line.empty_text) == (0, "Fixed when the audit starts.")


def test_a_finding_lists_its_checklist_item_and_actions(acme, world, globex_twin):
    lines = _lines(world.finding, acme)

    assert lines["checklist_item"].items[0].url == reverse(
        "audits:checklist_item", args=[acme.slug, world.audit.pk, world.finding.checklist_item_id]
    )
    assert _labels(lines["corrective_actions"]) == [str(world.action)]
    assert lines["corrective_actions"].all_url.endswith(f"?finding={world.finding.pk}")
    assert "Globex" not in str(lines)


def test_a_corrective_action_names_its_finding_and_audit_or_its_review(acme, world):
    from_finding = _lines(world.action, acme)
    from_review = _lines(world.review_action, acme)

    assert from_finding["finding"].items[0].url.endswith(f"/findings/{world.finding.pk}/")
    assert _labels(from_finding["audit"]) == [str(world.audit)]
    assert _labels(from_review["management_review"]) == [str(world.review)]
    assert "finding" not in from_review


def test_a_management_review_lists_its_actions_and_the_audits_it_reviewed(acme, world, globex_twin):
    lines = _lines(world.review, acme)

    assert _labels(lines["corrective_actions"]) == [str(world.review_action)]
    assert lines["corrective_actions"].all_url.endswith(f"?review={world.review.pk}")
    assert _labels(lines["audits"]) == [str(world.audit)]
    assert "Globex" not in str(lines)


def test_a_member_lists_the_assessments_they_lead_and_the_audits_they_take_part_in(
    acme, alice, audrey, world, globex_twin
):
    lead = _lines(Membership.objects.get(organization=acme, user=alice), acme)
    team = _lines(Membership.objects.get(organization=acme, user=audrey), acme)

    assert _labels(lead["impact_assessments"]) == ["AST-0002 Claims assistant, version 1"]
    assert lead["impact_assessments"].all_url.endswith(f"?owner={alice.pk}")
    assert _labels(lead["audits"]) == [str(world.audit)]
    assert _labels(team["audits"]) == [str(world.audit)]
    assert team["audits"].all_url.endswith(f"?auditor={audrey.pk}")
    assert "Globex" not in str(lead) + str(team)


def test_each_all_url_lists_what_its_line_counts(client, acme, alice, audrey, bob, world, globex_twin):
    client.force_login(alice)
    cases = [
        (world.assessment, "risks", world.risk.title),
        (world.risk, "soa_rows", world.control.title),
        (world.entry, "findings", world.finding.description),
        (world.audit, "corrective_actions", world.action.action),
        (Membership.objects.get(organization=acme, user=audrey), "audits", world.audit.title),
        (Membership.objects.get(organization=acme, user=alice), "impact_assessments", "Claims assistant"),
    ]
    for record, key, text in cases:
        page = client.get(_lines(record, acme)[key].all_url).content.decode()
        assert text in page, key
        assert "Globex" not in page, key
    # The filters narrow: another member leads no assessment and is on no audit.
    bob_id = Membership.objects.get(organization=acme, user__username="bob").user_id
    listing = client.get(reverse("risks:assessment_list", args=[acme.slug]) + f"?owner={bob_id}")
    assert "Claims assistant</a>" not in listing.content.decode()


def _pages(acme, world):
    return [
        reverse("risks:detail", args=[acme.slug, world.risk.pk]),
        reverse("risks:assessment_detail", args=[acme.slug, world.assessment.pk]),
        reverse("soa:detail", args=[acme.slug, world.entry.pk]),
        reverse("audits:detail", args=[acme.slug, world.audit.pk]),
        reverse("audits:finding_detail", args=[acme.slug, world.finding.pk]),
        reverse("audits:action_detail", args=[acme.slug, world.action.pk]),
        reverse("audits:review_detail", args=[acme.slug, world.review.pk]),
    ]


def _endpoints(acme, world):
    base = f"/api/v1/organizations/{acme.slug}"
    return [
        f"{base}/risks/{world.risk.pk}/where-used/",
        f"{base}/impact-assessments/{world.assessment.pk}/where-used/",
        f"{base}/soa/{world.entry.pk}/where-used/",
        f"{base}/audits/{world.audit.pk}/where-used/",
        f"{base}/findings/{world.finding.pk}/where-used/",
        f"{base}/corrective-actions/{world.action.pk}/where-used/",
        f"{base}/management-reviews/{world.review.pk}/where-used/",
    ]


def test_every_record_page_shows_where_it_is_used(client, acme, bob, world, globex_twin):
    client.force_login(bob)
    for url in _pages(acme, world):
        answer = client.get(url)
        page = answer.content.decode()
        assert answer.status_code == 200, url
        assert 'data-testid="where-used"' in page, url
        assert "Globex" not in page, url
    soa_page = client.get(_pages(acme, world)[2]).content.decode()
    assert world.risk.title in soa_page and 'data-testid="where-used-audit_checks"' in soa_page


def test_the_api_answers_where_each_record_is_used_in_its_organization_only(
    api_as, acme, bob, charlie, world, globex_twin
):
    api = api_as(bob)
    for url in _endpoints(acme, world):
        answer = api.get(url)
        assert answer.status_code == 200, url
        lines = answer.json()
        assert lines and set(lines[0]) == {"key", "title", "count", "items", "all_url"}, url
        assert "Globex" not in str(lines), url
    audit = {line["key"]: line["count"] for line in api.get(_endpoints(acme, world)[3]).json()}
    assert audit == {
        "findings": 1,
        "corrective_actions": 1,
        "soa_version": 1,
        "packs": 1,
        "management_reviews": 1,
    }

    # Charlie asks for Acme's records through Globex, and through Acme: no such record.
    outsider = api_as(charlie)
    for url in _endpoints(acme, world):
        assert outsider.get(url.replace(f"/{acme.slug}/", "/globex/")).status_code == 404, url
        assert outsider.get(url).status_code == 404, url


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def _use_more(acme, alice, carol, world, count, start):
    """``count`` more uses of every record: risks on the control, actions, raised risks,
    findings with their actions, review actions and packs."""
    controls = list(world.audit.items.filter(control__isnull=False).exclude(control=world.control))
    for n in range(count):
        risk = RiskFactory(organization=acme, owner=alice)
        _treats(risk, world.control)
        TreatmentActionFactory(risk=world.risk)
        _raise_risk(world.assessment, alice, f"Impact number {start + n}.")
        _treats(world.risk, controls[start + n].control)
        finding = _finding_on(world.audit, controls[start + n].control, alice, f"Finding {start + n}.")
        _action(alice, carol, f"Action {start + n}.", finding=finding)
        _action(alice, carol, f"Action on F-1, {start + n}.", finding=world.finding)
        _action(alice, carol, f"Decided {start + n}.", review=world.review)
        _pack(acme, world.audit.pk, f"Pack {start + n}")


def test_where_used_pages_and_endpoints_do_not_grow_with_the_uses(client, api_as, acme, alice, carol, world):
    client.force_login(alice)
    api = api_as(alice)
    records = [world.risk, world.assessment, world.entry, world.audit, world.finding, world.review]

    def measure():
        direct = []
        for record in records:
            record = type(record).objects.get(pk=record.pk)  # fresh, as a request reads it
            with CaptureQueriesContext(connection) as captured:
                where_used(record, organization=acme)
            direct.append(len(captured.captured_queries))
        return direct, [_queries(api, url) for url in _endpoints(acme, world)]

    _use_more(acme, alice, carol, world, DEFAULT_LIMIT + 1, start=0)
    few = measure()
    few_pages = [_queries(client, url) for url in _pages(acme, world)]
    _use_more(acme, alice, carol, world, 4, start=DEFAULT_LIMIT + 1)
    many = measure()
    many_pages = [_queries(client, url) for url in _pages(acme, world)]

    assert many == few
    assert max(few[0]) <= 12 and max(few[1]) <= 30
    # The pages list some of the uses themselves (a risk's actions, an audit's findings):
    # the where-used panel adds none that grow.
    assert [m - f for m, f in zip(many_pages, few_pages, strict=True)] == [0] * len(few_pages)
