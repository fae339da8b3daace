from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self):
        from . import receivers, where_used  # noqa: F401  (signal receivers; where lower records are used)
