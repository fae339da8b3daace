from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "organization", "status", "progress", "requested_by", "requested_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "kind", "organization__name", "sha256"]
    list_select_related = ["organization", "requested_by"]
    raw_id_fields = ["requested_by"]
    readonly_fields = [f.name for f in GeneratedDocument._meta.fields if f.name != "id"]
