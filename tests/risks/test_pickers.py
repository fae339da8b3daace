"""The risk form's asset and control pickers carry only what is chosen, and the
asset lookup they search stays inside the organization."""

from assets.models import Asset
from tests.factories import AssetFactory


def test_the_risk_form_renders_only_the_chosen_assets_not_the_inventory(client, acme, alice, catalogues):
    client.force_login(alice)
    empty = client.get("/o/acme/risks/new/").content.decode()
    AssetFactory.create_batch(60, organization=acme, owner=alice)
    page = client.get("/o/acme/risks/new/").content.decode()
    assert page.count("<option") == empty.count("<option")  # the rating and choice selects only
    assert not any(asset.name in page for asset in Asset.objects.all())
    assert 'data-lookup-url="/o/acme/assets/lookup.json"' in page


def test_the_lookup_finds_assets_by_identifier_or_name(client, acme, alice):
    AssetFactory(organization=acme, owner=alice, identifier="AST-0100", name="Payroll database")
    AssetFactory(organization=acme, owner=alice, identifier="AST-0101", name="Claims model")
    client.force_login(alice)
    by_name = client.get("/o/acme/assets/lookup.json", {"q": "payroll"}).json()["results"]
    by_identifier = client.get("/o/acme/assets/lookup.json", {"q": "AST-0101"}).json()["results"]
    assert [r["label"] for r in by_name] == ["AST-0100 — Payroll database"]
    assert [r["label"] for r in by_identifier] == ["AST-0101 — Claims model"]


def test_the_lookup_is_scoped_to_the_organization(client, acme, alice, globex, charlie):
    AssetFactory(organization=acme, owner=alice, name="Payroll database")
    AssetFactory(organization=globex, owner=charlie, name="Payroll of Globex")
    client.force_login(charlie)
    assert client.get("/o/acme/assets/lookup.json", {"q": "payroll"}).status_code == 404
    results = client.get("/o/globex/assets/lookup.json", {"q": "payroll"}).json()["results"]
    assert [r["label"].split(" — ")[1] for r in results] == ["Payroll of Globex"]


def test_a_saved_choice_survives_a_form_error(client, acme, alice, acme_server, catalogues):
    client.force_login(alice)
    answer = client.post(
        "/o/acme/risks/new/",
        {"title": "", "category": "information_security", "assets": [acme_server.pk]},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f'<input type="hidden" name="assets" value="{acme_server.pk}">' in page
    assert "AST-0001 — Inference server" in page


def test_only_members_who_may_review_are_offered_as_reviewers(client, acme, alice, make_member):
    from risks.selectors import impact_reviewer_users

    make_member(acme, "contributor", "carol")
    make_member(acme, "auditor", "audrey")
    make_member(acme, "viewer", "victor")
    assert sorted(u.username for u in impact_reviewer_users(acme)) == ["alice", "carol"]


def test_the_reviewer_picker_of_an_assessment_offers_only_those_who_may_review(
    client, acme, alice, make_member
):
    """What the page offers (the picker's inline options), not only the selector: an auditor or
    a viewer is never offered, so nobody picks a reviewer the service then refuses."""
    import json
    import re

    from risks import services
    from tests.factories import AISystemFactory

    carol = make_member(acme, "contributor", "carol")
    audrey = make_member(acme, "auditor", "audrey")
    victor = make_member(acme, "viewer", "victor")
    assessment = services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=AISystemFactory(organization=acme, owner=alice),
        values={"owner": alice, "scope": "Claims triage."},
    )
    client.force_login(alice)

    page = client.get(f"/o/acme/risks/impact-assessments/{assessment.pk}/").content.decode()

    found = re.search(
        r'<script id="[^"]*reviewers-options" type="application/json">(.*?)</script>', page, re.S
    )
    offered = {int(option["id"]) for option in json.loads(found.group(1))}
    assert {alice.pk, carol.pk} <= offered
    assert not offered & {audrey.pk, victor.pk}
