from django.apps import AppConfig


class SoaConfig(AppConfig):
    name = "soa"
    verbose_name = "Statement of Applicability"

    def ready(self):
        from . import receivers  # noqa: F401 — connects the row provisioning to its signals
        from .documents import register_builders

        register_builders()
