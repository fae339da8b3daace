"""Plumbing every organization-owned record shares: scoping and history."""

from django.db import models
from simple_history.models import HistoricalRecords


class OrganizationQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)


class OrganizationOwned(models.Model):
    """Base of every GRC record: it belongs to one organization and keeps history.

    Subclassing is all a model needs: ``Model.objects.for_organization(org)``
    scopes it, and every create, change and delete is kept in its history table
    with who, when and what (see ``core.history``).
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(inherit=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """Last sign of life of each Celery worker, read by ``/healthz``."""

    hostname = models.CharField(max_length=255, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.last_seen:%Y-%m-%d %H:%M:%S}"
