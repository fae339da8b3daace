from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self):
        from . import deletion, receivers, where_used  # noqa: F401  (rules and receivers)
        from .pack.build import register_builders

        register_builders()
