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


class DocumentPhase(models.TextChoices):
    """Where a document built in parts (``registry.Parts``) is; empty for one-piece builds."""

    WHOLE = "", "Built in one piece"
    PARTS = "parts", "Parts being rendered"
    ASSEMBLE = "assemble", "Being assembled"


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
    phase = models.CharField(
        max_length=16,
        choices=DocumentPhase.choices,
        default=DocumentPhase.WHOLE,
        blank=True,
        help_text="For a document built in parts: rendering its parts, or assembling them.",
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


class DocumentPart(models.Model):
    """One part of a document built in parts by several workers (decision 0014).

    Bookkeeping of its document, not a record of its own: no history (the document's
    history says when it was planned, failed or built), deleted with its document.
    The part task claims the row with a conditional update like the document's build.
    """

    document = models.ForeignKey(GeneratedDocument, on_delete=models.CASCADE, related_name="parts")
    key = models.CharField(max_length=100, help_text="The part's key in the kind's plan.")
    rows = models.JSONField(
        default=list, blank=True, help_text="The ids of the records it prints, in order, fixed by the plan."
    )
    position = models.PositiveIntegerField(help_text="Its place in the plan, from 0.")
    status = models.CharField(max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Renders started, this one included.")
    worker = models.CharField(max_length=255, blank=True, help_text="The worker process rendering it.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.CharField(max_length=500, blank=True, help_text="Relative to MEDIA_ROOT, once rendered.")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="document_part_key_unique"),
            models.UniqueConstraint(fields=["document", "position"], name="document_part_position_unique"),
        ]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="document_part_status_lease")]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.key} ({self.status})"
