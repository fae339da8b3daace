"""One SoA row per Annex A control for every organization that existed before the SoA.

Runs the same function as the signals (``soa.provisioning``) on the historical
models; it creates nothing when the catalogues are not loaded yet, in which case
``load_catalogues`` creates the rows when it runs.
"""

from django.db import migrations


def rows_for_existing_organizations(apps, schema_editor):
    from soa.provisioning import entries_create_missing

    entries_create_missing(apps, reason="Provisioned for an existing organization")


class Migration(migrations.Migration):
    dependencies = [
        ("soa", "0001_initial"),
        ("controls", "0001_initial"),
        ("organizations", "0001_initial"),
    ]

    operations = [migrations.RunPython(rows_for_existing_organizations, migrations.RunPython.noop)]
