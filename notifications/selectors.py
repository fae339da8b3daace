from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from organizations.models import Organization

from .models import Notification


def inbox_for(organization: Organization, recipient) -> QuerySet[Notification]:
    """The member's notifications in one organization, newest first."""
    return Notification.objects.filter(organization=organization, recipient=recipient).select_related("actor")


def unread_count(organization: Organization, recipient) -> int:
    return inbox_for(organization, recipient).unread().count()


def notification_get(*, organization: Organization, recipient, notification_id: int) -> Notification:
    """One of the member's notifications, or 404 (also someone else's, or another organization's)."""
    return get_object_or_404(inbox_for(organization, recipient), pk=notification_id)
