"""Give every existing organization its default risk methodology, which new
organizations get when they are created (``risks.apps``), so that no read has
to create it."""

from django.db import migrations
from django.utils import timezone


def create_methodologies(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    RiskMethodology = apps.get_model("risks", "RiskMethodology")
    HistoricalRiskMethodology = apps.get_model("risks", "HistoricalRiskMethodology")
    have = set(RiskMethodology.objects.values_list("organization_id", flat=True))
    for organization in Organization.objects.exclude(pk__in=have).iterator():
        methodology = RiskMethodology.objects.create(organization=organization)
        values = {f.attname: getattr(methodology, f.attname) for f in RiskMethodology._meta.concrete_fields}
        HistoricalRiskMethodology.objects.create(
            **values,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="Default methodology",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("risks", "0002_identifier_sequence_start"),
        ("organizations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_methodologies, migrations.RunPython.noop)]
