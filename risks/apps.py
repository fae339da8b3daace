from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risks"

    def ready(self):
        from core.history import related_history_register
        from organizations.signals import organization_created

        from . import deletion, where_used  # noqa: F401  (what deletes affect; where lower records are used)
        from .documents import register_builders
        from .models import Risk
        from .selectors import risk_related_history

        related_history_register(Risk, risk_related_history)
        register_builders()

        organization_created.connect(_give_default_methodology, dispatch_uid="risks.default_methodology")


def _give_default_methodology(sender, organization, actor=None, **kwargs):
    from .services import methodology_create_default

    methodology_create_default(organization=organization, actor=actor)
