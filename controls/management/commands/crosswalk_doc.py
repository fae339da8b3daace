from django.core.management.base import BaseCommand, CommandError

from controls.crosswalk_doc import DOC_PATH, crosswalk_doc_render


class Command(BaseCommand):
    help = (
        "Regenerate the crosswalk table in docs/crosswalk.md from the loaded catalogues "
        "(--check: only compare)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the document is out of date.")

    def handle(self, *args, check, **options):
        current = DOC_PATH.read_text(encoding="utf-8")
        fresh = crosswalk_doc_render(current)
        if check:
            if fresh != current:
                raise CommandError("docs/crosswalk.md is out of date: run `manage.py crosswalk_doc`.")
            self.stdout.write("docs/crosswalk.md is up to date.")
            return
        DOC_PATH.write_text(fresh, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS("docs/crosswalk.md regenerated."))
