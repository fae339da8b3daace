"""Start each organization's risk-number counter (core.IdentifierSequence) at the
highest number its risks hold or held, so that no reference is given again."""

from django.db import migrations
from django.db.models import Max


def start_counters(apps, schema_editor):
    IdentifierSequence = apps.get_model("core", "IdentifierSequence")
    highest: dict[int, int] = {}
    for model in (apps.get_model("risks", "Risk"), apps.get_model("risks", "HistoricalRisk")):
        for row in model.objects.values("organization_id").annotate(n=Max("number")).order_by():
            if row["n"]:
                highest[row["organization_id"]] = max(highest.get(row["organization_id"], 0), row["n"])
    for organization_id, number in highest.items():
        sequence, _ = IdentifierSequence.objects.get_or_create(organization_id=organization_id, kind="risk")
        if sequence.last_number < number:
            sequence.last_number = number
            sequence.save(update_fields=["last_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0001_initial"),
        ("core", "0002_identifier_sequence"),
    ]

    operations = [migrations.RunPython(start_counters, migrations.RunPython.noop)]
