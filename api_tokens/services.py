"""Writes of API tokens: create (the secret is returned once), revoke, note use."""

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from organizations.models import Membership, Organization

from .models import KEY_PREFIX_LENGTH, ApiToken

logger = logging.getLogger("grc_portal.security")

#: New secrets start with this, so that secret scanners and people recognise them.
SECRET_MARK = "grc_"  # noqa: S105 — a marker, not a secret
#: ``last_used_at`` is written at most this often per token: a read writes nothing else.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A token just created, with its secret: the only time the secret exists outside the caller."""

    token: ApiToken
    secret: str


def api_token_create(
    *,
    user,
    name: str,
    read_only: bool = False,
    organization: Organization | None = None,
    expires_at: datetime.datetime | None = None,
) -> IssuedToken:
    """Create a token for ``user``; the secret (32 random bytes) is in the answer and nowhere else.

    A token limited to an organization needs the user to be a member of it; an
    expiry must lie in the future.
    """
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name that says what uses it."
    if (
        organization is not None
        and not Membership.objects.filter(organization=organization, user=user).exists()
    ):
        errors["organization"] = "You are not a member of this organization."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        secret = SECRET_MARK + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    key_prefix=secret[:KEY_PREFIX_LENGTH],
                    key_hash=secret_hash(secret),
                    read_only=read_only,
                    organization=organization,
                    expires_at=expires_at,
                )
        except IntegrityError:
            continue  # the 48 random bits of the prefix met another token's: draw again
        logger.info("API token %s created for user %s", token.key_prefix, user.pk)
        return IssuedToken(token=token, secret=secret)
    raise RuntimeError("Could not draw a unique token prefix")


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke ``token`` now; it stops working on its next request. Revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("API token %s revoked by user %s", token.key_prefix, actor.pk)
    return token


def api_token_mark_used(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Note that ``token`` was used, at most once per ``LAST_USED_RESOLUTION``: a read's only write."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
