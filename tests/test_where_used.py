"""Where a record is used (core.where_used): the asset, control and member pages and their
``where-used/`` API actions list the organization's records that use them — never another
organization's — in a number of queries that does not grow with the uses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.services import audit_plan
from controls.models import Control
from core.where_used import DEFAULT_LIMIT, where_used
from organizations.models import Membership
from risks.models import RiskAsset, RiskControl
from risks.services import impact_assessment_create
from soa.models import SoAEntry
from tests.factories import (
    AISystemFactory,
    AssetFactory,
    AssetRelationFactory,
    RiskFactory,
    TreatmentActionFactory,
)

pytestmark = pytest.mark.usefixtures("catalogues")

ISO27001, ISO42001 = "iso27001-2022", "iso42001-2023"


def _control(framework, reference):
    return Control.objects.get(framework__code=framework, reference=reference)


def _link(risk, *, asset=None, control=None):
    if asset is not None:
        RiskAsset.objects.create(organization=risk.organization, risk=risk, asset=asset)
    if control is not None:
        RiskControl.objects.create(organization=risk.organization, risk=risk, control=control)


@pytest.fixture
def acme_ai(acme, alice):
    return AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")


@pytest.fixture
def globex_twin(globex, charlie):
    """A Globex asset with the same identifier, used by a Globex risk: it must never show at Acme."""
    asset = AISystemFactory(organization=globex, owner=charlie, name="Globex secret", identifier="AST-0002")
    risk = RiskFactory(organization=globex, owner=charlie, title="Globex-only risk")
    _link(risk, asset=asset, control=_control(ISO27001, "5.9"))
    entry = SoAEntry.objects.get(organization=globex, control=_control(ISO27001, "5.9"))
    entry.applicable, entry.status, entry.owner = True, "implemented", charlie
    entry.save()
    return asset


def _lines(record, organization):
    return {line.key: line for line in where_used(record, organization=organization)}


def test_an_asset_lists_its_risks_assessment_relations_and_audits(acme, alice, acme_ai, globex_twin):
    risk = RiskFactory(organization=acme, owner=alice, title="Biased triage")
    _link(risk, asset=acme_ai)
    model = AssetFactory(organization=acme, owner=alice, name="Triage model", identifier="AST-0003")
    AssetRelationFactory(source=acme_ai, target=model)
    today = datetime.date.today()
    audit_plan(
        organization=acme,
        actor=alice,
        values={
            "title": "AI audit",
            "frameworks": [ISO42001],
            "planned_start": today,
            "planned_end": today,
            "lead_auditor": alice,
        },
        assets=[acme_ai],
    )

    lines = _lines(acme_ai, acme)

    assert [i.label for i in lines["risks"].items] == [f"{risk.reference} Biased triage"]
    assert lines["risks"].all_url.endswith("?asset=AST-0002")
    assert [i.label for i in lines["relations"].items] == ["AST-0003 Triage model"]
    assert lines["impact_assessments"].count == 0
    assert [i.label.split(" ", 1)[1] for i in lines["audits"].items] == ["AI audit"]
    assert "Globex" not in str(lines)


def test_the_asset_page_shows_where_it_is_used(client, acme, alice, acme_ai, globex_twin):
    risk = RiskFactory(organization=acme, owner=alice, title="Biased triage")
    _link(risk, asset=acme_ai)
    client.force_login(alice)

    page = client.get(reverse("assets:detail", args=[acme.slug, acme_ai.pk])).content.decode()

    assert 'data-testid="where-used"' in page
    assert "Biased triage" in page
    assert reverse("risks:detail", args=[acme.slug, risk.pk]) in page
    assert "Globex" not in page


def test_an_ai_systems_page_offers_to_assess_it_and_to_record_a_risk_on_it(client, acme, alice, acme_ai):
    client.force_login(alice)
    page = client.get(reverse("assets:detail", args=[acme.slug, acme_ai.pk])).content.decode()
    assess = reverse("risks:assessment_create", args=[acme.slug]) + f"?ai_system={acme_ai.pk}"
    record = reverse("risks:create", args=[acme.slug]) + f"?asset={acme_ai.pk}"
    assert f'href="{assess}" data-testid="where-used-add-impact_assessments"' in page
    assert f'href="{record}" data-testid="where-used-add-risks"' in page

    # The links open their forms filled in with the system.
    form = client.get(assess).content.decode()
    assert f'<option value="{acme_ai.pk}" selected>' in form
    form = client.get(record).content.decode()
    assert f'<input type="hidden" name="assets" value="{acme_ai.pk}">' in form


def test_an_assessed_ai_system_is_not_offered_a_second_first_assessment(acme, alice, acme_ai):
    impact_assessment_create(
        organization=acme, actor=alice, ai_system=acme_ai, values={"owner": alice, "scope": "Claims."}
    )
    line = _lines(acme_ai, acme)["impact_assessments"]
    assert line.count == 1
    assert line.add_url == ""
    model = AssetFactory(organization=acme, owner=alice, kind="ai_model", name="Triage model")
    assert _lines(model, acme)["impact_assessments"].add_url == "", "only an AI system is assessed"


def test_a_viewer_is_not_offered_to_record_anything_from_an_asset(client, acme, bob, acme_ai):
    client.force_login(bob)
    page = client.get(reverse("assets:detail", args=[acme.slug, acme_ai.pk])).content.decode()
    assert 'data-testid="where-used"' in page
    assert "where-used-add" not in page


def test_a_control_lists_its_risks_its_decision_and_its_counterparts_decisions(acme, alice, globex_twin):
    control = _control(ISO27001, "5.9")
    risk = RiskFactory(organization=acme, owner=alice, title="Injection in claims API")
    _link(risk, control=control)
    SoAEntry.objects.filter(organization=acme, control=_control(ISO42001, "A.4.2")).update(
        applicable=True, status="partial"
    )

    lines = _lines(control, acme)

    assert [i.label for i in lines["risks"].items] == [f"{risk.reference} Injection in claims API"]
    assert lines["soa_decision"].count == 1
    assert lines["soa_decision"].items[0].note == "Undecided"  # Globex decided; Acme has not
    counterparts = {i.label.split(" ")[2]: i.note for i in lines["counterpart_decisions"].items}
    assert counterparts["A.4.2"] == "Applicable · Partially implemented"
    assert counterparts["A.4.3"] == "Undecided"
    assert "Globex" not in str(lines)


def test_the_control_page_shows_where_it_is_used(client, acme, bob, globex_twin):
    client.force_login(bob)

    page = client.get(reverse("controls:control", args=[acme.slug, ISO27001, "5.9"])).content.decode()

    assert 'data-testid="where-used-soa_decision"' in page
    assert 'data-testid="where-used-counterpart_decisions"' in page
    assert "Globex-only risk" not in page


def test_a_members_page_lists_what_they_own(client, acme, alice, bob, acme_ai, globex_twin):
    risk = RiskFactory(organization=acme, owner=alice, title="Biased triage")
    TreatmentActionFactory(risk=risk, description="Retrain with balanced data")
    SoAEntry.objects.filter(organization=acme, control=_control(ISO27001, "5.1")).update(owner=alice)
    membership = Membership.objects.get(organization=acme, user=alice)
    client.force_login(bob)

    page = client.get(
        reverse("organizations:member_detail", args=[acme.slug, membership.pk])
    ).content.decode()

    assert "What they own" in page
    for text in ("AST-0002 Claims assistant", "Biased triage", "Retrain with balanced data", "5.1"):
        assert text in page
    assert "Globex" not in page


def test_another_organizations_member_is_not_found(client, acme, alice, charlie):
    client.force_login(alice)
    foreign = Membership.objects.get(user=charlie)

    answer = client.get(reverse("organizations:member_detail", args=[acme.slug, foreign.pk]))

    assert answer.status_code == 404


def test_the_api_answers_where_an_asset_a_control_and_a_member_are_used(
    api_as, acme, alice, bob, acme_ai, globex_twin
):
    risk = RiskFactory(organization=acme, owner=alice, title="Biased triage")
    _link(risk, asset=acme_ai, control=_control(ISO27001, "5.9"))
    api = api_as(bob)
    base = f"/api/v1/organizations/{acme.slug}"
    membership = Membership.objects.get(organization=acme, user=alice)

    asset = api.get(f"{base}/assets/{acme_ai.pk}/where-used/").json()
    control = api.get(f"{base}/controls/{_control(ISO27001, '5.9').pk}/where-used/").json()
    member = api.get(f"{base}/members/{membership.pk}/where-used/").json()

    assert {line["key"]: line["count"] for line in asset}["risks"] == 1
    assert {line["key"]: line["count"] for line in control}["risks"] == 1
    assert {line["key"]: line["count"] for line in member}["assets"] == 1
    assert set(asset[0]) == {"key", "title", "count", "items", "all_url"}
    assert "Globex" not in str(asset + control + member)


def test_the_api_hides_another_organizations_asset_and_member(api_as, acme, alice, charlie, globex_twin):
    api = api_as(charlie)

    assert api.get(f"/api/v1/organizations/globex/assets/{globex_twin.pk}/where-used/").status_code == 200
    assert (
        api.get(f"/api/v1/organizations/{acme.slug}/assets/{globex_twin.pk}/where-used/").status_code == 404
    )
    alice_membership = Membership.objects.get(organization=acme, user=alice)
    assert (
        api.get(f"/api/v1/organizations/globex/members/{alice_membership.pk}/where-used/").status_code == 404
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def _use(acme, alice, asset, control, count):
    for _ in range(count):
        risk = RiskFactory(organization=acme, owner=alice)
        _link(risk, asset=asset, control=control)
        TreatmentActionFactory(risk=risk)
        AssetRelationFactory(source=asset, target=AssetFactory(organization=acme, owner=alice))


def test_where_used_pages_and_endpoints_do_not_grow_with_the_uses(client, api_as, acme, alice, acme_ai):
    control = _control(ISO27001, "5.9")
    membership = Membership.objects.get(organization=acme, user=alice)
    pages = [
        reverse("assets:detail", args=[acme.slug, acme_ai.pk]),
        reverse("controls:control", args=[acme.slug, ISO27001, "5.9"]),
        reverse("organizations:member_detail", args=[acme.slug, membership.pk]),
    ]
    base = f"/api/v1/organizations/{acme.slug}"
    endpoints = [
        f"{base}/assets/{acme_ai.pk}/where-used/",
        f"{base}/controls/{control.pk}/where-used/",
        f"{base}/members/{membership.pk}/where-used/",
    ]
    client.force_login(alice)
    api = api_as(alice)

    # More uses than a line shows, then many more: the same queries.
    _use(acme, alice, acme_ai, control, DEFAULT_LIMIT + 1)
    few = [_queries(client, url) for url in pages] + [_queries(api, url) for url in endpoints]
    _use(acme, alice, acme_ai, control, 10)
    many = [_queries(client, url) for url in pages] + [_queries(api, url) for url in endpoints]

    assert many == few
    assert max(many[:3]) <= 40 and max(many[3:]) <= 25
