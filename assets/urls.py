from django.urls import path

from organizations.scoping import OrganizationRecordHistoryView

from . import lookups, views
from .models import Asset

app_name = "assets"

BASE = "o/<slug:organization_slug>/assets"

urlpatterns = [
    path(f"{BASE}/", views.AssetListView.as_view(), name="list"),
    path(f"{BASE}/bulk/", views.AssetBulkView.as_view(), name="bulk"),
    path(f"{BASE}/new/", views.AssetCreateView.as_view(), name="create"),
    path(f"{BASE}/export/", views.AssetExportView.as_view(), name="export"),
    path(f"{BASE}/import/", views.AssetImportView.as_view(), name="import"),
    path(f"{BASE}/import/confirm/", views.AssetImportConfirmView.as_view(), name="import_confirm"),
    path(
        f"{BASE}/import/template.<str:fmt>",
        views.AssetImportTemplateView.as_view(),
        name="import_template",
    ),
    path(f"{BASE}/lookup/", views.AssetLookupView.as_view(), name="lookup"),
    path(f"{BASE}/lookup.json", lookups.AssetPickerLookupView.as_view(), name="picker_lookup"),
    path(f"{BASE}/<int:pk>/", views.AssetDetailView.as_view(), name="detail"),
    path(f"{BASE}/<int:pk>/edit/", views.AssetUpdateView.as_view(), name="update"),
    path(f"{BASE}/<int:pk>/delete/", views.AssetDeleteView.as_view(), name="delete"),
    path(
        f"{BASE}/<int:pk>/history/",
        OrganizationRecordHistoryView.as_view(model=Asset, template_name="assets/asset_history.html"),
        name="history",
    ),
    path(
        f"{BASE}/<int:pk>/relations/<int:relation_id>/remove/",
        views.RelationRemoveView.as_view(),
        name="relation_remove",
    ),
]
