"""Keeping the 131 rows of every organization's SoA in place (see ``soa.provisioning``)."""

from django.dispatch import receiver

from controls.signals import catalogues_loaded
from organizations.signals import organization_created

from .provisioning import entries_create_missing


@receiver(organization_created, dispatch_uid="soa.rows_for_new_organization")
def _rows_for_new_organization(sender, organization, actor=None, **kwargs):
    entries_create_missing(
        organization_ids=[organization.pk],
        actor_id=getattr(actor, "pk", None),
        reason="Created with the organization",
    )


@receiver(catalogues_loaded, dispatch_uid="soa.rows_for_loaded_catalogues")
def _rows_for_loaded_catalogues(sender, report=None, **kwargs):
    entries_create_missing(reason="Control added to the catalogues")
