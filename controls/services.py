"""Loading the catalogues from ``fixtures/``."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import transaction

from .models import ClauseMapping, Mapping
from .signals import catalogues_loaded

CATALOGUE_FIXTURES = ("frameworks.json", "iso27001-2022.json", "iso42001-2023.json", "crosswalk.json")
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class CatalogueError(Exception):
    """A fixture row that cannot be loaded; the message names the file and row."""


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, label: str, outcome: str) -> None:
        self.counts.setdefault(label, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["removed"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{label}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['removed']} removed" if c["removed"] else "")
            for label, c in self.counts.items()
        ]


def _differs(instance, current) -> bool:
    return any(
        getattr(instance, f.attname) != getattr(current, f.attname)
        for f in type(instance)._meta.concrete_fields
        if not f.primary_key
    )


@transaction.atomic
def catalogues_load(*, directory: Path = FIXTURES_DIR, files=CATALOGUE_FIXTURES) -> LoadReport:
    """Load the catalogue fixtures by natural key; all or nothing.

    Rows are matched on framework code + reference, so a corrected title
    updates the row in place (its primary key, and so everything pointing at
    it, stays). Unchanged rows are not written: loading twice changes nothing.
    Crosswalk links that left the fixture are removed, since a stale link
    would inflate the coverage figures.
    """
    report = LoadReport()
    kept_links: dict[type, set[int]] = {Mapping: set(), ClauseMapping: set()}
    for name in files:
        path = Path(directory) / name
        with path.open(encoding="utf-8") as stream:
            rows = serializers.deserialize("json", stream)
            index = 0
            while True:
                index += 1
                try:
                    deserialized = next(rows)
                except StopIteration:
                    break
                except (DeserializationError, ValueError) as exc:
                    raise CatalogueError(f"{name}, row {index}: {exc}") from exc
                instance = deserialized.object
                model = type(instance)
                label = str(model._meta.verbose_name_plural)
                try:
                    instance.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as exc:
                    raise CatalogueError(
                        f"{name}, row {index} ({model.__name__}): {exc.message_dict}"
                    ) from exc
                current = model.objects.filter(pk=instance.pk).first() if instance.pk else None
                if current is None:
                    instance.save()
                    report.add(label, "created")
                elif _differs(instance, current):
                    instance.save()
                    report.add(label, "updated")
                else:
                    report.add(label, "unchanged")
                if model in kept_links:
                    kept_links[model].add(instance.pk)
    for model, kept in kept_links.items():
        if not kept:
            continue  # this load did not include that kind of link
        stale = model.objects.exclude(pk__in=kept)
        removed = stale.count()
        if removed:
            stale.delete()
            report.counts.setdefault(str(model._meta.verbose_name_plural), Counter())["removed"] += removed
    # Inside the load's transaction: what the receivers write commits or rolls back with it.
    catalogues_loaded.send(sender=catalogues_load, report=report)
    return report
