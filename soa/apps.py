from django.apps import AppConfig


class SoaConfig(AppConfig):
    name = "soa"
    verbose_name = "Statement of Applicability"

    def ready(self):
        from . import receivers, where_used  # noqa: F401  (row provisioning on its signals; where lower records are used)
        from .documents import register_builders

        register_builders()
