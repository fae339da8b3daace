from django.urls import path

from .views import entries, gap, versions

app_name = "soa"

BASE = "o/<slug:organization_slug>/soa"
ROW = f"{BASE}/<int:pk>"
VERSION = f"{BASE}/versions/<int:number>"

urlpatterns = [
    path(f"{BASE}/", entries.SoAListView.as_view(), name="list"),
    path(f"{BASE}/export/", entries.SoAExportView.as_view(), name="export"),
    path(f"{BASE}/bulk-edit/", entries.SoABulkEditView.as_view(), name="bulk_edit"),
    path(f"{ROW}/", entries.SoAEntryDetailView.as_view(), name="detail"),
    path(f"{ROW}/row/", entries.SoARowView.as_view(), name="row"),
    path(f"{ROW}/edit/", entries.SoARowEditView.as_view(), name="edit"),
    path(f"{ROW}/apply-to-mapped/", entries.SoAApplyToMappedView.as_view(), name="apply_to_mapped"),
    path(f"{ROW}/history/", entries.SoAEntryHistoryView.as_view(), name="history"),
    path(f"{BASE}/versions/", versions.VersionListView.as_view(), name="versions"),
    path(f"{BASE}/versions/approve/", versions.VersionApproveView.as_view(), name="approve"),
    path(f"{VERSION}/", versions.VersionDetailView.as_view(), name="version_detail"),
    path(f"{VERSION}/diff/", versions.VersionDiffView.as_view(), name="version_diff"),
    path(f"{VERSION}/export/", versions.VersionExportView.as_view(), name="version_export"),
    path(f"{BASE}/gap-analysis/", gap.GapAnalysisView.as_view(), name="gap_analysis"),
    path(f"{BASE}/gap-analysis/export/", gap.GapAnalysisExportView.as_view(), name="gap_export"),
]
