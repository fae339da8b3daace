"""Export from one organization, import into another: the same inventory, links included."""

import pytest

from assets.models import Asset, AssetRelation
from assets.tabular import ASSET_COLUMNS, asset_import
from core.roles import Role
from core.tabular import table_read
from tests.factories import (
    AIModelFactory,
    AssetFactory,
    AssetRelationFactory,
    DatasetFactory,
    MembershipFactory,
    response_bytes,
)

COMPARED = [c.key for c in ASSET_COLUMNS if c.key not in {"owner", "custodian", "relations"}]


def _inventory(organization):
    assets = Asset.objects.for_organization(organization).select_related("owner", "custodian")
    rows = {
        a.identifier: (
            tuple(getattr(a, key) if key != "tags" else tuple(a.tags) for key in COMPARED),
            a.owner.username,
            a.custodian.username if a.custodian else None,
        )
        for a in assets
    }
    links = {
        (r.source.identifier, r.type, r.target.identifier)
        for r in AssetRelation.objects.for_organization(organization).select_related("source", "target")
    }
    return rows, links


@pytest.fixture
def acme_inventory(acme, alice, bob, acme_ai):
    model = AIModelFactory(
        organization=acme, owner=alice, identifier="AST-0003", ai_vendor="=cmd|' /C calc'!A0"
    )
    dataset = DatasetFactory(
        organization=acme,
        owner=bob,
        identifier="AST-0004",
        tags=["pii", "claims"],
        description="- a list\n- of lines",
    )
    server = AssetFactory(
        organization=acme, owner=alice, custodian=bob, identifier="AST-0005", location="DC 1"
    )
    AssetRelationFactory(source=acme_ai, target=model, type="uses")
    AssetRelationFactory(source=model, target=dataset, type="trained_on")
    AssetRelationFactory(source=acme_ai, target=server, type="hosted_on")
    return acme


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_elsewhere_reproduces_the_inventory(
    client, acme_inventory, globex, alice, bob, charlie, password, fmt
):
    # The same people are members of Globex, so owners match by username.
    MembershipFactory(organization=globex, user=alice, role=Role.CONTRIBUTOR)
    MembershipFactory(organization=globex, user=bob, role=Role.VIEWER)
    client.login(username="alice", password=password)
    response = client.get("/o/acme/assets/export/", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')

    rows = table_read(response_bytes(response), columns=ASSET_COLUMNS, filename=f"acme.{fmt}").rows
    imported = asset_import(organization=globex, actor=charlie, rows=rows, filename=f"acme.{fmt}")
    assert len(imported) == 4
    assert _inventory(globex) == _inventory(acme_inventory)


def test_owners_are_matched_by_email_too(acme, globex, alice, charlie):
    content = b"name,kind,owner\nGlobex laptop fleet,hardware,CHARLIE@example.org\n"
    rows = table_read(content, columns=ASSET_COLUMNS, filename="x.csv").rows
    [asset] = asset_import(organization=globex, actor=charlie, rows=rows)
    assert asset.owner == charlie


def test_imported_assets_and_links_have_history_naming_the_importer(acme, alice, acme_server):
    content = (
        b"identifier,name,kind,owner,ai_data_provenance,ai_data_licence,ai_personal_data,relations\n"
        b"DS-1,Claims data,dataset,alice,Claims system,Internal,yes,\n"
        b"SYS-1,Claims archive,software,alice,,,,hosted_on:AST-0001; processes:DS-1\n"
    )
    rows = table_read(content, columns=ASSET_COLUMNS, filename="x.csv").rows
    assets = asset_import(organization=acme, actor=alice, rows=rows, filename="x.csv")
    for asset in assets:
        record = asset.history.get()
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+",
            alice,
            "Imported from x.csv",
        )
    relations = AssetRelation.objects.filter(source__identifier="SYS-1")
    assert relations.count() == 2
    assert all(r.history.get().history_user == alice for r in relations)


def test_a_thousand_rows_import_in_one_go(acme, alice, django_assert_max_num_queries):
    lines = ["name,kind,owner,classification,tags"]
    lines += [f"Workstation {i},hardware,alice,internal,fleet" for i in range(1000)]
    rows = table_read("\n".join(lines).encode(), columns=ASSET_COLUMNS, filename="big.csv").rows
    with django_assert_max_num_queries(40):
        assets = asset_import(organization=acme, actor=alice, rows=rows)
    assert len(assets) == 1000
    assert Asset.history.filter(history_type="+").count() == 1000
    assert assets[-1].identifier == "AST-1000"
