"""Read-only admin views for support staff: the audit programme changes through its
API (and next its pages), where roles, the workflow and the freeze apply."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import Audit, CorrectiveAction, Finding, ManagementReview


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
            raise PermissionDenied("Audits are not changed from the admin.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Audit)
class AuditAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "title", "organization", "type", "status", "planned_start", "lead_auditor"]
    list_filter = ["type", "status"]
    list_select_related = ["organization", "lead_auditor"]
    search_fields = ["title", "organization__name"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "audit", "organization", "severity", "status"]
    list_filter = ["severity", "status"]
    list_select_related = ["organization", "audit"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "organization", "owner", "due_date", "status", "verification_result"]
    list_filter = ["status", "verification_result"]
    list_select_related = ["organization", "owner"]


@admin.register(ManagementReview)
class ManagementReviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "organization", "date"]
    list_select_related = ["organization"]
