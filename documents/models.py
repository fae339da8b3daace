"""A file the portal builds in the background: one model for every kind (see ``documents.registry``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import OrganizationOwned


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


FINISHED = (DocumentStatus.DONE, DocumentStatus.FAILED)


class GeneratedDocument(OrganizationOwned):
    """One request for a generated file, from ``queued`` to ``done`` or ``failed``.

    State changes (requested, started, done, failed, retried) are saved through
    ``record_save`` and so kept in the history; the progress percentage and the
    worker's lease are written with plain updates, as they are bookkeeping and
    would otherwise add a history row per percent.
    """

    trail_url = "documents:list"  # where the audit trail links to (core.audit_trail)

    kind = models.CharField(max_length=64, help_text="The registered builder that makes this file.")
    title = models.CharField(max_length=200)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100 while running.")
    error = models.TextField(blank=True, help_text="Why it failed, in words a person can act on.")

    file = models.FileField(max_length=500, blank=True)
    filename = models.CharField(max_length=200, help_text="The name the download is saved under.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    attempts = models.PositiveSmallIntegerField(default=0, help_text="Builds started, this one included.")
    worker = models.CharField(max_length=255, blank=True, help_text="The worker process building it.")
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="A running build not renewed by then belongs to a dead worker."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organization", "-requested_at"], name="document_org_requested")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
