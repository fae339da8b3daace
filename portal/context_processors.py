from django.utils.functional import SimpleLazyObject

from .work import work_counts


def work(request):
    """``work_counts``: how much waits for the member in the organization being worked in
    (the navigation's badges). Lazy, and counted once per request in one query."""
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None:
        return {}

    def _counts():
        if not hasattr(request, "_work_counts"):
            request._work_counts = work_counts(organization, membership)
        return request._work_counts

    return {"work_counts": SimpleLazyObject(_counts)}
