from django.contrib import admin
from django.core.exceptions import PermissionDenied

from .freezing import Freezable
from .models import IdentifierSequence, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen"]


@admin.register(IdentifierSequence)
class IdentifierSequenceAdmin(admin.ModelAdmin):
    """Read-only: a counter moved by hand could hand out a number again."""

    list_display = ["organization", "kind", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FreezableAdminMixin:
    """Admin of a ``core.freezing.Freezable`` model: a frozen record offers no
    change or delete (the model would refuse them anyway, as a server error)."""

    def has_change_permission(self, request, obj=None):
        if isinstance(obj, Freezable) and obj.is_frozen_in_database():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if isinstance(obj, Freezable) and obj.is_frozen_in_database():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action: refuse as a whole when a frozen row is selected.
        if queryset.frozen().exists():
            raise PermissionDenied(queryset.model.frozen_message)
        super().delete_queryset(request, queryset)
