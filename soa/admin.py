"""Read-only admin views for support staff: the SoA changes through its pages and
API, where roles and rules apply; versions change by no path at all."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import SoAEntry, SoAVersion


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's "revert" saves a past state with view permission alone.
        if request.method == "POST":
            raise PermissionDenied("The SoA is not changed from the admin.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(SoAEntry)
class SoAEntryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["control", "organization", "applicable", "status", "owner", "updated_at"]
    list_filter = ["control__framework", "applicable", "status"]
    list_select_related = ["control", "organization", "owner"]
    search_fields = ["control__reference", "control__title", "organization__name"]


@admin.register(SoAVersion)
class SoAVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "organization", "approved_by", "approved_at", "rows_sha256"]
    list_select_related = ["organization", "approved_by"]
