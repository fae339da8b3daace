"""Identifiers (AST-…, R-…) are never given again after a delete: one rising
counter per organization and kind (``core.identifiers``), for single creates,
bulk creates and imports alike."""

import importlib

import pytest
from django.apps import apps as django_apps

from assets import services as asset_services
from assets.services import AssetDraft
from core.identifiers import identifier_number_next, identifier_number_seen, identifier_numbers_take
from core.models import IdentifierSequence
from risks import services
from risks.services.bulk import RiskDraft, risk_bulk_create
from tests.factories import AssetFactory, RiskFactory

pytestmark = pytest.mark.django_db


def _asset_values(alice, **values):
    return {"kind": "hardware", "name": "Backup server", "owner": alice, **values}


def _risk_values(alice):
    return {
        "title": "Backups fail silently",
        "category": "information_security",
        "threat": "Disk failure",
        "vulnerability": "No restore tests",
        "affects_availability": True,
        "owner": alice,
        "inherent_likelihood": 2,
        "inherent_impact": 4,
    }


def test_the_counter_only_rises_and_hands_out_consecutive_numbers(acme, globex):
    assert identifier_numbers_take(organization=acme, kind="asset") == 1
    assert identifier_numbers_take(organization=acme, kind="asset", count=3) == 2
    assert identifier_number_next(organization=acme, kind="asset") == 5
    assert identifier_numbers_take(organization=acme, kind="asset", at_least=10) == 11
    identifier_number_seen(organization=acme, kind="asset", number=4)  # below: changes nothing
    assert identifier_number_next(organization=acme, kind="asset") == 12
    # Per organization and kind.
    assert identifier_numbers_take(organization=globex, kind="asset") == 1
    assert identifier_numbers_take(organization=acme, kind="risk") == 1


def test_a_deleted_assets_identifier_is_not_given_again(acme, alice):
    first = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    second = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    assert (first.identifier, second.identifier) == ("AST-0001", "AST-0002")
    asset_services.asset_delete(asset=second, actor=alice)
    third = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    assert third.identifier == "AST-0003"


def test_an_explicit_identifier_moves_the_counter_past_it(acme, alice):
    asset_services.asset_create(
        organization=acme, actor=alice, values=_asset_values(alice, identifier="AST-0041")
    )
    created = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    assert created.identifier == "AST-0042"


def test_assets_made_outside_the_services_are_not_numbered_over(acme, alice):
    AssetFactory(organization=acme, owner=alice, identifier="AST-0007")
    created = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    assert created.identifier == "AST-0008"


def test_bulk_creates_take_numbers_after_deleted_ones(acme, alice):
    doomed = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    asset_services.asset_delete(asset=doomed, actor=alice)
    drafts = [AssetDraft(values=_asset_values(alice, name=f"Server {n}")) for n in range(3)]
    preview = asset_services.asset_bulk_validate(organization=acme, actor=alice, drafts=drafts)
    assert [a.identifier for a in preview.records] == ["AST-0002", "AST-0003", "AST-0004"]
    assert not IdentifierSequence.objects.filter(organization=acme, last_number__gt=1).exists()
    created = asset_services.asset_bulk_create(organization=acme, actor=alice, drafts=drafts)
    assert sorted(a.identifier for a in created) == ["AST-0002", "AST-0003", "AST-0004"]
    again = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    assert again.identifier == "AST-0005"


def test_a_deleted_risks_reference_is_not_given_again(acme, alice):
    first = services.risk_create(organization=acme, actor=alice, values=_risk_values(alice))
    second = services.risk_create(organization=acme, actor=alice, values=_risk_values(alice))
    services.risk_delete(risk=second, actor=alice)
    third = services.risk_create(organization=acme, actor=alice, values=_risk_values(alice))
    assert (first.reference, third.reference) == ("R-001", "R-003")


def test_imported_risks_without_a_reference_follow_the_counter(acme, alice):
    doomed = services.risk_create(organization=acme, actor=alice, values=_risk_values(alice))
    services.risk_delete(risk=doomed, actor=alice)
    created = risk_bulk_create(
        organization=acme,
        actor=alice,
        drafts=[RiskDraft(values=_risk_values(alice)), RiskDraft(values=_risk_values(alice), number=9)],
    )
    assert sorted(r.number for r in created) == [9, 10]
    assert services.risk_create(organization=acme, actor=alice, values=_risk_values(alice)).number == 11


def test_the_migration_starts_counters_at_the_highest_number_held_or_deleted(acme, alice):
    AssetFactory(organization=acme, owner=alice, identifier="AST-0012")
    gone = AssetFactory(organization=acme, owner=alice, identifier="AST-0030")
    gone.delete()
    RiskFactory(organization=acme, owner=alice, number=5)
    IdentifierSequence.objects.all().delete()
    for app in ("assets", "risks"):
        migration = importlib.import_module(f"{app}.migrations.0002_identifier_sequence_start")
        migration.start_counters(django_apps, None)
    counters = dict(IdentifierSequence.objects.filter(organization=acme).values_list("kind", "last_number"))
    assert counters == {"asset": 30, "risk": 5}
    created = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    assert created.identifier == "AST-0031"


def test_imports_through_the_register_toolkit_preview_and_take_the_counters_numbers(acme, alice):
    from assets.tabular import ASSET_COLUMNS, asset_import, asset_import_preview
    from core.tabular import table_read

    doomed = asset_services.asset_create(organization=acme, actor=alice, values=_asset_values(alice))
    asset_services.asset_delete(asset=doomed, actor=alice)
    content = b"identifier,name,kind,owner\n,Rack,hardware,alice\n,Switch,hardware,alice\n"
    rows = table_read(content, columns=ASSET_COLUMNS, filename="assets.csv").rows
    preview = asset_import_preview(organization=acme, actor=alice, rows=rows)
    assert [r.record.identifier for r in preview.rows] == ["AST-0002", "AST-0003"]
    created = asset_import(organization=acme, actor=alice, rows=rows, filename="x" * 150 + ".csv")
    assert sorted(a.identifier for a in created) == ["AST-0002", "AST-0003"]
    reason = created[0].history.latest().history_change_reason
    assert len(reason) == 100 and reason.endswith("…")
