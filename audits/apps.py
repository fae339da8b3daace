from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self):
        from . import receivers  # noqa: F401
        from .pack.build import register_builders

        register_builders()
