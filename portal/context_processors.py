from django.utils.functional import SimpleLazyObject

from notifications.selectors import inbox_for

from .selectors import counts_of
from .work import WorkCounts, work_querysets


def work(request):
    """``work_counts`` (how much waits for the member: the navigation's badge) and
    ``unread_notifications`` (the bell) in the organization being worked in. Lazy, and
    counted together once per request in one query."""
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None:
        return {}

    def _counts() -> dict:
        if not hasattr(request, "_work_counts"):
            querysets = work_querysets(organization, membership)
            querysets["unread_notifications"] = inbox_for(organization, request.user).unread()
            counts = counts_of(organization, querysets)
            unread = counts.pop("unread_notifications")
            counts["soa_approval"] = bool(counts.get("soa_approval"))
            request._work_counts = {"work": WorkCounts(**counts), "unread": unread}
        return request._work_counts

    return {
        "work_counts": SimpleLazyObject(lambda: _counts()["work"]),
        "unread_notifications": SimpleLazyObject(lambda: _counts()["unread"]),
    }
