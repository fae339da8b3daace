"""API tokens that users create, name, scope and revoke themselves (decision 0016).

The secret is shown once; the database keeps only its first characters (to find
the row) and its SHA-256 (to check it), so a copy of the database opens nothing.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

#: How many leading characters of a secret are kept in clear to find its row.
KEY_PREFIX_LENGTH = 12


class TokenStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “CMDB sync”.")
    key_prefix = models.CharField(max_length=KEY_PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the secret, hex.")
    read_only = models.BooleanField(default=False, help_text="Refuse every write (POST, PUT, PATCH, DELETE).")
    # CASCADE on purpose: a token limited to an organization that is gone has nothing left to
    # open, and SET_NULL would silently widen it to all of the user's organizations.
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Limit the token to this organization; others answer as if the user were no member.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def status_at(self, now: datetime.datetime) -> str:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return TokenStatus.EXPIRED
        return TokenStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return TokenStatus(self.status).label

    @property
    def scope_label(self) -> str:
        access = "Read only" if self.read_only else "Read and write"
        where = self.organization.name if self.organization_id else "all your organizations"
        return f"{access} · {where}"
