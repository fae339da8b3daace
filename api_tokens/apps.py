from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "api_tokens"
    verbose_name = "API tokens"

    def ready(self):
        from . import schema  # noqa: F401 — registers the security scheme with drf-spectacular
