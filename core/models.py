"""Plumbing every organization-owned record shares: scoping and history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class OrganizationQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)


class OrganizationHistoricalRecords(HistoricalRecords):
    """History whose table is indexed for reading one organization's rows newest
    first: the audit trail takes ``ORDER BY history_date DESC, history_id DESC
    LIMIT n`` of each historical table under ``organization_id = …``, which without
    this index sorts every row of the organization (issue 14)."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = (
            *options.get("indexes", ()),
            models.Index(
                fields=["organization", "history_date", "history_id"],
                name=f"{model._meta.db_table[:16]}_org_hist_idx",
            ),
        )
        return options


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

    history = OrganizationHistoricalRecords(inherit=True)

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


class IdentifierSequence(models.Model):
    """The last number handed out for one kind of identifier (``asset``: AST-…,
    ``risk``: R-…) in one organization. It only ever rises, so the number of a
    deleted record is never given to another (``core.identifiers``)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="identifier_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.last_number} in organization {self.organization_id}"


class SavedView(models.Model):
    """A member's named filters of one register in one organization ("My open AI
    risks"): the list's query string, opened again from the list's filter card
    (``core.registers.saved_views``). Private to the member; not a GRC record."""

    # CASCADE: a saved view is part of its member's use of the organization, nothing points at it.
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    register = models.CharField(max_length=40, help_text="The register's key, e.g. assets or risks.")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True, help_text="The list's query string, without page.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "register", "name"], name="saved_view_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name
