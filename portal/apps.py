from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the portal: pages that gather every domain app (the overview
    dashboard) and the demo seed. Nothing below imports it."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import receivers

        receivers.connect()
