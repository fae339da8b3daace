"""Signals of the tenant layer, for the domain apps above it (which it cannot import).

``organization_created`` is sent once, when an organization's row is first
saved (by ``services.organization_create``, a factory, the admin — any path),
with ``organization`` and ``actor`` (the user named in its history, or ``None``).
Apps that keep rows per organization (the default risk methodology, the SoA's
131 rows) connect to it in their ``AppConfig.ready()``, so that those rows exist
from the start and no read ever has to create them.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import Organization

organization_created = Signal()


@receiver(post_save, sender=Organization, dispatch_uid="organizations.organization_created")
def _announce_new_organization(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        organization_created.send(
            sender=Organization, organization=instance, actor=getattr(instance, "_history_user", None)
        )
