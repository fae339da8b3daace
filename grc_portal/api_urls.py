"""Everything under ``/api/v1/``. Organization-owned resources nest under
``organizations/{organization_slug}/``."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api_tokens.api import ApiTokenViewSet, TokenObtainView
from assets.api import AssetRelationViewSet, AssetViewSet
from audits.api import (
    AuditItemViewSet,
    AuditViewSet,
    CorrectiveActionViewSet,
    FindingViewSet,
    ManagementReviewViewSet,
)
from audits.api_pack import AuditPackViewSet
from controls.api import (
    ClauseMappingViewSet,
    ClauseViewSet,
    ControlViewSet,
    FrameworkViewSet,
    MappingViewSet,
    OrganizationControlViewSet,
)
from documents.api import GeneratedDocumentViewSet
from organizations.api import AuditTrailView, MemberViewSet, OrganizationViewSet
from risks.api import (
    ImpactAssessmentViewSet,
    ImpactItemViewSet,
    RiskMethodologyViewSet,
    RiskViewSet,
    TreatmentActionViewSet,
)
from soa.api import GapAnalysisView, SoAEntryViewSet, SoAVersionViewSet

ORG = r"organizations/(?P<organization_slug>[-a-zA-Z0-9_]+)"

router = DefaultRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("controls", ControlViewSet, basename="control")
router.register("clauses", ClauseViewSet, basename="clause")
router.register("mappings", MappingViewSet, basename="mapping")
router.register("clause-mappings", ClauseMappingViewSet, basename="clause-mapping")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register(rf"{ORG}/members", MemberViewSet, basename="member")
router.register(rf"{ORG}/controls", OrganizationControlViewSet, basename="organization-control")
router.register(rf"{ORG}/assets", AssetViewSet, basename="asset")
router.register(rf"{ORG}/asset-relations", AssetRelationViewSet, basename="asset-relation")
router.register(rf"{ORG}/risks", RiskViewSet, basename="risk")
router.register(rf"{ORG}/treatment-actions", TreatmentActionViewSet, basename="treatment-action")
router.register(rf"{ORG}/impact-assessments", ImpactAssessmentViewSet, basename="impact-assessment")
router.register(rf"{ORG}/impact-items", ImpactItemViewSet, basename="impact-item")
router.register(rf"{ORG}/soa", SoAEntryViewSet, basename="soa-entry")
router.register(rf"{ORG}/soa-versions", SoAVersionViewSet, basename="soa-version")
router.register(rf"{ORG}/audits", AuditViewSet, basename="audit")
router.register(rf"{ORG}/audit-items", AuditItemViewSet, basename="audit-item")
router.register(rf"{ORG}/findings", FindingViewSet, basename="finding")
router.register(rf"{ORG}/corrective-actions", CorrectiveActionViewSet, basename="corrective-action")
router.register(rf"{ORG}/management-reviews", ManagementReviewViewSet, basename="management-review")
router.register(rf"{ORG}/documents", GeneratedDocumentViewSet, basename="document")
router.register(rf"{ORG}/audit-packs", AuditPackViewSet, basename="audit-pack")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    re_path(rf"^{ORG}/activity/$", AuditTrailView.as_view(), name="audit-trail"),
    re_path(
        rf"^{ORG}/risk-methodology/$",
        RiskMethodologyViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
        name="risk-methodology",
    ),
    re_path(rf"^{ORG}/gap-analysis/$", GapAnalysisView.as_view(), name="gap-analysis"),
    path("", include(router.urls)),
]
