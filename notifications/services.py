"""Writes of the inbox. Domain apps do not call these directly: the portal's receivers
(``portal.receivers``) watch the domain records' history and tell the member assigned."""

import contextvars
import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.types import Actor
from organizations.models import Organization

from .models import Notification

logger = logging.getLogger(__name__)

_unmailed = contextvars.ContextVar("notifications_unmailed", default=False)


@contextmanager
def notifications_unmailed() -> Iterator[None]:
    """Inside, notifications are kept in the app and nobody is e-mailed: for made-up
    accounts (the scale seed), whatever the mail settings."""
    token = _unmailed.set(True)
    try:
        yield
    finally:
        _unmailed.reset(token)


def notification_send(
    *,
    organization: Organization,
    recipient,
    actor: Actor,
    verb: str,
    target_label: str,
    target_url: str = "",
) -> Notification | None:
    """Tell ``recipient`` (a member of ``organization``) that ``actor`` ``verb``
    ``target_label``; e-mail them once the transaction commits. Nobody is told of
    what they did themselves, nor of what the system did alone (``actor`` None: rows an
    organization is provisioned with), and a non-member is never told anything."""
    if recipient is None or actor is None or actor.pk == recipient.pk:
        return None
    if not organization.memberships.filter(user_id=recipient.pk).exists():
        return None
    notification = Notification.objects.create(
        organization=organization,
        recipient=recipient,
        actor=actor,
        verb=verb[:200],
        target_label=target_label[:300],
        target_url=target_url[:500],
    )
    if recipient.email and not _unmailed.get():
        transaction.on_commit(lambda: _mail(notification.pk))
    return notification


def _mail(notification_id: int) -> None:
    notification = Notification.objects.select_related("organization", "recipient", "actor").get(
        pk=notification_id
    )
    link = (
        f"{settings.PORTAL_BASE_URL.rstrip('/')}{notification.target_url}" if notification.target_url else ""
    )
    body = f"{notification.sentence}.\n\n"
    if link:
        body += f"Open it: {link}\n\n"
    body += (
        f"You receive this because you are a member of {notification.organization.name} on the GRC portal.\n"
    )
    try:
        send_mail(
            subject=f"[{notification.organization.name}] {notification.sentence}"[:150],
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except (OSError, smtplib.SMTPException):
        # The assignment is committed; an unreachable mail server only costs the e-mail.
        logger.warning("Notification %s: the e-mail could not be sent", notification_id, exc_info=True)


def notifications_mark_read(*, organization: Organization, recipient, ids=None) -> int:
    """Mark the recipient's unread notifications of the organization read (only ``ids``
    when given); answers how many were marked."""
    unread = Notification.objects.unread().filter(organization=organization, recipient=recipient)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
