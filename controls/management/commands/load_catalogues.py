from django.core.management.base import BaseCommand, CommandError

from controls.services import CatalogueError, catalogues_load


class Command(BaseCommand):
    help = (
        "Load the ISO/IEC 27001:2022 and ISO/IEC 42001:2023 catalogues, their clauses and the crosswalk "
        "from fixtures/. Idempotent: rows are matched by framework and reference."
    )

    def handle(self, *args, **options):
        try:
            report = catalogues_load()
        except CatalogueError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS("Catalogues loaded." if report.changed else "Catalogues up to date.")
        )
