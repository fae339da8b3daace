from django.urls import path

from organizations.scoping import OrganizationRecordHistoryView

from .models import ImpactAssessment, Risk
from .views import files, impact, methodology, overdue, register, treatment

app_name = "risks"

BASE = "o/<slug:organization_slug>/risks"
RISK = f"{BASE}/<int:pk>"
AIA = f"{BASE}/impact-assessments"

urlpatterns = [
    path(f"{BASE}/", register.RiskListView.as_view(), name="list"),
    path(f"{BASE}/new/", register.RiskCreateView.as_view(), name="create"),
    path(f"{BASE}/bulk/", register.RiskBulkView.as_view(), name="bulk"),
    path(f"{BASE}/heat-maps/", register.HeatMapView.as_view(), name="heat_maps"),
    path(f"{BASE}/overdue-actions/", overdue.OverdueActionsView.as_view(), name="overdue_actions"),
    path(f"{BASE}/methodology/", methodology.MethodologyView.as_view(), name="methodology"),
    path(f"{BASE}/export/", files.RiskExportView.as_view(), name="export"),
    path(f"{BASE}/import/", files.RiskImportView.as_view(), name="import"),
    path(f"{BASE}/import/confirm/", files.RiskImportConfirmView.as_view(), name="import_confirm"),
    path(f"{BASE}/import/template.<str:fmt>", files.RiskImportTemplateView.as_view(), name="import_template"),
    path(f"{RISK}/", register.RiskDetailView.as_view(), name="detail"),
    path(f"{RISK}/edit/", register.RiskUpdateView.as_view(), name="update"),
    path(f"{RISK}/delete/", register.RiskDeleteView.as_view(), name="delete"),
    path(
        f"{RISK}/history/",
        OrganizationRecordHistoryView.as_view(model=Risk, template_name="risks/risk_history.html"),
        name="history",
    ),
    path(f"{RISK}/accept/", register.RiskAcceptView.as_view(), name="accept"),
    path(f"{RISK}/acceptance/withdraw/", register.RiskWithdrawAcceptanceView.as_view(), name="withdraw"),
    path(f"{RISK}/review/", register.RiskReviewView.as_view(), name="review"),
    path(f"{RISK}/actions/", treatment.ActionAddView.as_view(), name="action_add"),
    path(f"{RISK}/actions/<int:action_id>/edit/", treatment.ActionUpdateView.as_view(), name="action_update"),
    path(
        f"{RISK}/actions/<int:action_id>/done/",
        treatment.ActionCompleteView.as_view(),
        name="action_complete",
    ),
    path(
        f"{RISK}/actions/<int:action_id>/delete/", treatment.ActionDeleteView.as_view(), name="action_delete"
    ),
    path(f"{AIA}/", impact.AssessmentListView.as_view(), name="assessment_list"),
    path(f"{AIA}/new/", impact.AssessmentCreateView.as_view(), name="assessment_create"),
    path(f"{AIA}/<int:pk>/", impact.AssessmentDetailView.as_view(), name="assessment_detail"),
    path(f"{AIA}/<int:pk>/edit/", impact.AssessmentUpdateView.as_view(), name="assessment_update"),
    path(f"{AIA}/<int:pk>/delete/", impact.AssessmentDeleteView.as_view(), name="assessment_delete"),
    path(
        f"{AIA}/<int:pk>/history/",
        OrganizationRecordHistoryView.as_view(model=ImpactAssessment),
        name="assessment_history",
    ),
    path(f"{AIA}/<int:pk>/impacts/new/", impact.ItemFormView.as_view(), name="item_create"),
    path(f"{AIA}/<int:pk>/impacts/<int:item_id>/edit/", impact.ItemFormView.as_view(), name="item_update"),
    path(
        f"{AIA}/<int:pk>/impacts/<int:item_id>/delete/", impact.ItemDeleteView.as_view(), name="item_delete"
    ),
    path(
        f"{AIA}/<int:pk>/impacts/<int:item_id>/raise-risk/",
        impact.ItemRaiseRiskView.as_view(),
        name="item_raise_risk",
    ),
    path(f"{AIA}/<int:pk>/reviewers/", impact.ReviewersView.as_view(), name="assessment_reviewers"),
    path(f"{AIA}/<int:pk>/review/", impact.ReviewRecordView.as_view(), name="assessment_review"),
    path(f"{AIA}/<int:pk>/sign-off/", impact.SignOffView.as_view(), name="assessment_sign_off"),
    path(f"{AIA}/<int:pk>/reassess/", impact.ReassessView.as_view(), name="assessment_reassess"),
]
