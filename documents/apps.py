import os
from importlib import import_module

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Generated documents"

    def ready(self):
        # Builders that only a particular process loads, e.g. the deliberately slow
        # one the worker tests kill mid-document (comma-separated module names).
        for module in os.environ.get("GRC_DOCUMENT_EXTRA_BUILDERS", "").split(","):
            if module.strip():
                import_module(module.strip())
