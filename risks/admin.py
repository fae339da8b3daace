"""Read-mostly admin views for support staff; changes belong in the pages and
the API, where roles and rules apply and the history names the actor."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import FreezableAdminMixin

from .models import ImpactAssessment, Risk, RiskMethodology


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskMethodology)
class RiskMethodologyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["organization", "risk_appetite", "review_interval_days", "updated_at"]


@admin.register(Risk)
class RiskAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "title", "organization", "category", "level", "status", "owner"]
    list_filter = ["category", "level", "status"]
    search_fields = ["title", "organization__name"]


@admin.register(ImpactAssessment)
class ImpactAssessmentAdmin(FreezableAdminMixin, ReadOnlyHistoryAdmin):
    list_display = ["ai_system", "version", "organization", "status", "signed_off_at"]
    list_filter = ["status"]
