"""Bulk actions on the asset list and the risk register (core/registers/bulk_actions.py):
each change goes through the register's service, lands in history with the actor, is all
or nothing, refused for viewers and blind to another organization's rows."""

import pytest

from assets.models import Asset
from core.roles import Role
from risks.models import Risk
from tests.factories import AssetFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(acme, make_member):
    return make_member(acme, Role.CONTRIBUTOR, "carol")


@pytest.fixture
def assets(acme, alice):
    return [AssetFactory(organization=acme, owner=alice, tags=["pii"]) for _ in range(3)]


def _post(client, url, ids, **fields):
    return client.post(
        url, {"ids": [r.pk for r in ids], "next": url.replace("bulk/", "") + "?kind=hardware", **fields}
    )


def test_changing_the_owner_of_two_assets_is_in_each_history_with_the_actor(
    client, acme, alice, carol, assets
):
    client.force_login(alice)
    answer = _post(client, "/o/acme/assets/bulk/", assets[:2], action="owner", owner=carol.pk)
    assert answer.status_code == 302 and answer["Location"] == "/o/acme/assets/?kind=hardware"
    for asset in assets[:2]:
        asset.refresh_from_db()
        latest = asset.history.first()
        assert asset.owner == carol and latest.history_user == alice and latest.owner_id == carol.pk
    assets[2].refresh_from_db()
    assert assets[2].owner == alice


def test_tags_are_added_and_removed_and_the_lifecycle_set(client, alice, assets):
    client.force_login(alice)
    _post(client, "/o/acme/assets/bulk/", assets[:2], action="tags_add", tags="claims, PII")
    assert [Asset.objects.get(pk=a.pk).tags for a in assets] == [
        ["claims", "pii"],
        ["claims", "pii"],
        ["pii"],
    ]
    _post(client, "/o/acme/assets/bulk/", assets, action="tags_remove", tags="pii")
    assert [Asset.objects.get(pk=a.pk).tags for a in assets] == [["claims"], ["claims"], []]
    _post(client, "/o/acme/assets/bulk/", assets[:1], action="status", status="retired")
    assert Asset.objects.get(pk=assets[0].pk).lifecycle_status == "retired"


def test_deleting_asks_first_with_what_it_affects(client, acme, alice, assets):
    client.force_login(alice)
    risk = RiskFactory(organization=acme, owner=alice)
    risk.asset_links.create(organization=acme, asset=assets[0])
    page = _post(client, "/o/acme/assets/bulk/", assets[:2], action="delete")
    assert page.status_code == 200 and Asset.objects.filter(organization=acme).count() == 3
    html = page.content.decode()
    assert html.count('data-testid="bulk-delete-item"') == 2 and risk.reference in html
    _post(client, "/o/acme/assets/bulk/", assets[:2], action="delete", confirmed="true")
    assert list(Asset.objects.filter(organization=acme)) == [assets[2]]


def test_all_or_nothing_when_a_contributor_ticks_what_they_do_not_own(client, acme, alice, carol):
    mine = RiskFactory(organization=acme, owner=carol, status="assessed")
    theirs = RiskFactory(organization=acme, owner=alice, status="assessed")
    client.force_login(carol)
    answer = _post(client, "/o/acme/risks/bulk/", [mine, theirs], action="status", status="closed")
    assert answer.status_code == 302
    assert set(Risk.objects.values_list("status", flat=True)) == {"assessed"}
    messages = [str(m) for m in answer.wsgi_request._messages]
    assert messages and messages[0].startswith("Nothing was changed:") and theirs.reference in messages[0]
    _post(client, "/o/acme/risks/bulk/", [mine], action="status", status="closed")
    assert Risk.objects.get(pk=mine.pk).status == "closed"
    assert Risk.objects.get(pk=mine.pk).history.first().history_user == carol


def test_viewers_are_refused(client, bob, assets):
    client.force_login(bob)
    assert _post(client, "/o/acme/assets/bulk/", assets, action="delete", confirmed="true").status_code == 403
    assert Asset.objects.count() == 3
    page = client.get("/o/acme/assets/").content.decode()
    assert 'data-testid="bulk-bar"' not in page and 'data-testid="bulk-row"' not in page


def test_another_organizations_rows_cannot_be_ticked(client, globex, charlie, alice, assets):
    theirs = AssetFactory(organization=globex, owner=charlie)
    client.force_login(charlie)
    assert _post(client, "/o/acme/assets/bulk/", assets, action="delete", confirmed="true").status_code == 404
    client.force_login(alice)
    _post(client, "/o/acme/assets/bulk/", [theirs], action="owner", owner=alice.pk)
    assert Asset.objects.get(pk=theirs.pk).owner == charlie


def test_the_list_offers_the_bar_and_a_checkbox_per_row(client, acme, alice, assets):
    RiskFactory(organization=acme, owner=alice)
    client.force_login(alice)
    html = client.get("/o/acme/assets/").content.decode()
    assert 'data-testid="bulk-bar"' in html and html.count('data-testid="bulk-row"') == 3
    assert 'data-testid="bulk-select-page"' in html
    risks = client.get("/o/acme/risks/").content.decode()
    assert 'data-testid="bulk-bar"' in risks and "Add tags" not in risks  # risks carry no tags


def test_changing_the_owner_of_two_risks_is_in_each_history_with_the_actor(client, acme, alice, carol):
    risks = [RiskFactory(organization=acme, owner=alice) for _ in range(3)]
    client.force_login(alice)
    answer = _post(client, "/o/acme/risks/bulk/", risks[:2], action="owner", owner=carol.pk)
    assert answer.status_code == 302
    for risk in risks[:2]:
        risk.refresh_from_db()
        latest = risk.history.first()
        assert risk.owner == carol and latest.history_user == alice and latest.owner_id == carol.pk
    risks[2].refresh_from_db()
    assert risks[2].owner == alice


def test_deleting_risks_asks_first_with_what_it_affects(client, acme, alice):
    risks = [RiskFactory(organization=acme, owner=alice) for _ in range(3)]
    action = risks[0].actions.create(
        organization=acme, owner=alice, description="Rotate the signing keys", due_date="2030-01-01"
    )
    client.force_login(alice)
    page = _post(client, "/o/acme/risks/bulk/", risks[:2], action="delete")
    assert page.status_code == 200 and Risk.objects.filter(organization=acme).count() == 3
    html = page.content.decode()
    assert html.count('data-testid="bulk-delete-item"') == 2
    assert risks[0].reference in html and action.description in html
    _post(client, "/o/acme/risks/bulk/", risks[:2], action="delete", confirmed="true")
    assert list(Risk.objects.filter(organization=acme)) == [risks[2]]
