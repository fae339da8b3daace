from django.urls import path

from organizations.scoping import OrganizationRecordHistoryView

from .models import Audit, CorrectiveAction, Finding, ManagementReview
from .views import checklist, followup, programme, reviews

app_name = "audits"

BASE = "o/<slug:organization_slug>/audits"
AUDIT = f"{BASE}/<int:pk>"
ITEM = f"{AUDIT}/checklist/<int:item_id>"
FINDINGS = f"{BASE}/findings"
ACTIONS = f"{BASE}/corrective-actions"
REVIEWS = f"{BASE}/management-reviews"

urlpatterns = [
    path(f"{BASE}/", programme.AuditListView.as_view(), name="list"),
    path(f"{BASE}/new/", programme.AuditCreateView.as_view(), name="create"),
    path(f"{BASE}/export/", programme.AuditExportView.as_view(), name="export"),
    path(f"{AUDIT}/", programme.AuditDetailView.as_view(), name="detail"),
    path(f"{AUDIT}/edit/", programme.AuditUpdateView.as_view(), name="update"),
    path(f"{AUDIT}/delete/", programme.AuditDeleteView.as_view(), name="delete"),
    path(f"{AUDIT}/history/", OrganizationRecordHistoryView.as_view(model=Audit), name="history"),
    path(f"{AUDIT}/start/", programme.AuditTransitionView.as_view(transition="start"), name="start"),
    path(f"{AUDIT}/report/", programme.AuditTransitionView.as_view(transition="report"), name="report"),
    path(f"{AUDIT}/close/", programme.AuditTransitionView.as_view(transition="close"), name="close"),
    path(f"{AUDIT}/checklist/", checklist.ChecklistView.as_view(), name="checklist"),
    path(f"{ITEM}/", checklist.ChecklistItemView.as_view(), name="checklist_item"),
    path(f"{ITEM}/record/", checklist.ChecklistItemRecordView.as_view(), name="checklist_record"),
    path(f"{ITEM}/evidence/", checklist.EvidenceUploadView.as_view(), name="evidence_upload"),
    path(f"{ITEM}/finding/", checklist.FindingRaiseView.as_view(), name="finding_raise"),
    path(f"{BASE}/evidence/<int:evidence_id>/", checklist.EvidenceDownloadView.as_view(), name="evidence"),
    path(f"{FINDINGS}/", followup.FindingListView.as_view(), name="findings"),
    path(f"{FINDINGS}/export/", followup.FindingExportView.as_view(), name="finding_export"),
    path(f"{FINDINGS}/<int:pk>/", followup.FindingDetailView.as_view(), name="finding_detail"),
    path(f"{FINDINGS}/<int:pk>/close/", followup.FindingCloseView.as_view(), name="finding_close"),
    path(f"{FINDINGS}/<int:pk>/delete/", followup.FindingDeleteView.as_view(), name="finding_delete"),
    path(
        f"{FINDINGS}/<int:pk>/history/",
        OrganizationRecordHistoryView.as_view(model=Finding),
        name="finding_history",
    ),
    path(
        f"{FINDINGS}/<int:finding_pk>/actions/new/",
        followup.CorrectiveActionCreateView.as_view(),
        name="finding_action_create",
    ),
    path(f"{ACTIONS}/", followup.CorrectiveActionListView.as_view(), name="actions"),
    path(f"{ACTIONS}/export/", followup.CorrectiveActionExportView.as_view(), name="action_export"),
    path(f"{ACTIONS}/<int:pk>/", followup.CorrectiveActionDetailView.as_view(), name="action_detail"),
    path(f"{ACTIONS}/<int:pk>/edit/", followup.CorrectiveActionUpdateView.as_view(), name="action_update"),
    path(f"{ACTIONS}/<int:pk>/verify/", followup.CorrectiveActionVerifyView.as_view(), name="action_verify"),
    path(f"{ACTIONS}/<int:pk>/delete/", followup.CorrectiveActionDeleteView.as_view(), name="action_delete"),
    path(
        f"{ACTIONS}/<int:pk>/history/",
        OrganizationRecordHistoryView.as_view(model=CorrectiveAction),
        name="action_history",
    ),
    path(f"{REVIEWS}/", reviews.ManagementReviewListView.as_view(), name="reviews"),
    path(f"{REVIEWS}/new/", reviews.ManagementReviewCreateView.as_view(), name="review_create"),
    path(f"{REVIEWS}/<int:pk>/", reviews.ManagementReviewDetailView.as_view(), name="review_detail"),
    path(f"{REVIEWS}/<int:pk>/edit/", reviews.ManagementReviewUpdateView.as_view(), name="review_update"),
    path(f"{REVIEWS}/<int:pk>/delete/", reviews.ManagementReviewDeleteView.as_view(), name="review_delete"),
    path(
        f"{REVIEWS}/<int:pk>/history/",
        OrganizationRecordHistoryView.as_view(model=ManagementReview),
        name="review_history",
    ),
    path(
        f"{REVIEWS}/<int:review_pk>/actions/new/",
        followup.CorrectiveActionCreateView.as_view(),
        name="review_action_create",
    ),
]
