from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Asset, AssetRelation


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = ["identifier", "name", "kind", "organization", "owner", "classification", "criticality"]
    list_filter = ["kind", "classification", "criticality", "lifecycle_status", "ai_risk_class"]
    search_fields = ["identifier", "name", "organization__name"]
    list_select_related = ["organization", "owner"]
    raw_id_fields = ["owner", "custodian"]


@admin.register(AssetRelation)
class AssetRelationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "type", "target", "organization"]
    list_filter = ["type"]
    list_select_related = ["source", "target", "organization"]
    raw_id_fields = ["source", "target"]
