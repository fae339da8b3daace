"""Start each organization's asset-number counter (core.IdentifierSequence) at the
highest AST-N it holds, so that no number in use or deleted is given again."""

import re

from django.db import migrations

NUMBERED = re.compile(r"^AST-(\d+)$")


def start_counters(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    IdentifierSequence = apps.get_model("core", "IdentifierSequence")
    highest: dict[int, int] = {}
    rows = Asset.objects.filter(identifier__startswith="AST-").values_list("organization_id", "identifier")
    for organization_id, identifier in rows.iterator(chunk_size=2000):
        if match := NUMBERED.match(identifier):
            highest[organization_id] = max(highest.get(organization_id, 0), int(match.group(1)))
    # Deleted assets count too: their numbers must not come back.
    HistoricalAsset = apps.get_model("assets", "HistoricalAsset")
    deleted = HistoricalAsset.objects.filter(identifier__startswith="AST-").values_list(
        "organization_id", "identifier"
    )
    for organization_id, identifier in deleted.iterator(chunk_size=2000):
        if match := NUMBERED.match(identifier):
            highest[organization_id] = max(highest.get(organization_id, 0), int(match.group(1)))
    for organization_id, number in highest.items():
        sequence, _ = IdentifierSequence.objects.get_or_create(organization_id=organization_id, kind="asset")
        if sequence.last_number < number:
            sequence.last_number = number
            sequence.save(update_fields=["last_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0001_initial"),
        ("core", "0002_identifier_sequence"),
    ]

    operations = [migrations.RunPython(start_counters, migrations.RunPython.noop)]
