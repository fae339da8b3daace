"""Every tenant table is indexed for one organization's rows (issue 14, item 5): the
database's own indexes, read back through ``connection.introspection``, must lead
with ``organization_id`` wherever a list reads them, so that one organization among
a thousand is read as fast as one alone.

- every table with an ``organization_id`` column has an index leading with it;
- every unique constraint over several columns of such a table leads with it (the
  natural keys are per organization), or is one of the few led by a parent record,
  listed with their reason;
- every historical table has ``(organization_id, history_date, …)``, the audit
  trail's newest-first read of one organization.
"""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

TENANT = "organization_id"

#: Unique keys led by a parent record rather than the organization. The parent
#: belongs to one organization, so each is unique within it already and reads go
#: through the parent; a distribution by organization (Citus) would need
#: organization_id prepended to each, which docs/scaling.md lists. A new key that
#: is not led by the organization must be added here with its reason.
PARENT_LED_UNIQUES = {
    ("assets_assetrelation", ("source_id", "target_id", "type")): "a relation is read from its source asset",
    ("audits_auditteammember", ("audit_id", "user_id")): "the team is part of the audit",
    ("audits_checklistitem", ("audit_id", "clause_id")): "the checklist is part of the audit",
    ("audits_checklistitem", ("audit_id", "control_id")): "the checklist is part of the audit",
    ("risks_impactassessment", ("ai_system_id", "version")): "versions of one AI system's assessment",
    ("risks_impactreviewer", ("assessment_id", "user_id")): "the reviewers are part of the assessment",
    ("risks_riskasset", ("risk_id", "asset_id")): "the link is part of the risk",
    ("risks_riskcontrol", ("risk_id", "control_id")): "the link is part of the risk",
    ("soa_soareason", ("entry_id", "kind")): "the reasons are part of the SoA row",
    ("soa_soaversionrow", ("version_id", "framework", "reference")): "the rows are part of the version",
}


def _tenant_tables() -> dict[str, list[dict]]:
    """Each table with an organization_id column, with its indexes and constraints."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            if TENANT in columns:
                constraints = connection.introspection.get_constraints(cursor, table)
                tables[table] = [
                    {"name": name, **info}
                    for name, info in constraints.items()
                    if not info["foreign_key"] and info["columns"]
                ]
    return tables


def test_there_are_tenant_tables_to_check():
    tables = _tenant_tables()
    assert "risks_risk" in tables and "risks_historicalrisk" in tables
    assert len(tables) > 30


def test_every_tenant_table_has_an_index_leading_with_the_organization():
    missing = [
        table
        for table, indexes in _tenant_tables().items()
        if not any(
            i["columns"][0] == TENANT for i in indexes if i["index"] or i["unique"] or i["primary_key"]
        )
    ]
    assert not missing, f"Tables without an index leading with {TENANT}: {missing}"


def test_every_unique_key_of_a_tenant_table_leads_with_the_organization():
    wrong = [
        (table, tuple(i["columns"]))
        for table, indexes in _tenant_tables().items()
        for i in indexes
        if i["unique"]
        and not i["primary_key"]
        and len(i["columns"]) > 1
        and i["columns"][0] != TENANT
        and (table, tuple(i["columns"])) not in PARENT_LED_UNIQUES
    ]
    assert not wrong, f"Unique keys not led by {TENANT}: {wrong}"


def test_every_historical_table_is_indexed_by_organization_then_date():
    missing = [
        table
        for table, indexes in _tenant_tables().items()
        if "_historical" in table
        and not any(i["columns"][:2] == [TENANT, "history_date"] for i in indexes if i["index"])
    ]
    assert not missing, f"Historical tables without ({TENANT}, history_date): {missing}"
