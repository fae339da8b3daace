"""In-app notifications: something was assigned to a member of an organization."""

from django.conf import settings
from django.db import models

from organizations.models import Organization


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing a member is told about, in one organization: "Alice made you the owner
    of risk R-4". Not a GRC record (no history): it is the member's inbox."""

    # CASCADE: an inbox row is part of the member's membership, nothing else points at it.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=200, help_text="What happened, e.g. “made you the owner of”.")
    target_label = models.CharField(max_length=300, help_text="The record, e.g. “risk R-4 Phishing”.")
    target_url = models.CharField(max_length=500, blank=True, help_text="The record's page, when it has one.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "organization", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.sentence

    @property
    def sentence(self) -> str:
        who = self.actor.display_name if self.actor_id else "The portal"
        return f"{who} {self.verb} {self.target_label}"
