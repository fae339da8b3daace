from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Assets"

    def ready(self):
        from core.history import related_history_register

        from . import deletion, where_used  # noqa: F401  (what deleting an asset affects; where lower records are used)
        from .documents import register_builders
        from .models import Asset
        from .selectors import asset_related_history

        register_builders()
        related_history_register(Asset, asset_related_history)
