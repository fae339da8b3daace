from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Assets"

    def ready(self):
        from . import deletion  # noqa: F401  (registers what deleting an asset affects)
