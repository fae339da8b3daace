from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "organization", "verb", "target_label", "created_at", "read_at")
    list_filter = ("organization",)
    raw_id_fields = ("recipient", "actor")
