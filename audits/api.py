"""``/api/v1/organizations/{organization_slug}/`` ``audits/``, ``audit-items/``,
``findings/``, ``corrective-actions/`` and ``management-reviews/``.

Thin: each endpoint translates HTTP to a selector or service call and back; the
services check roles and rules. Another organization's record is 404 (the
selectors are scoped); a closed audit answers every change with 400 and why.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import (
    DESTROY_RESPONSES,
    ORGANIZATION_SLUG_PARAMETER,
    PaginatedHistoryEntryListSerializer,
    RecordHistoryActionMixin,
    WhereUsedActionMixin,
)
from core.registers.filters import RegisterFilterBackend
from core.roles import Capability
from organizations.scoping import OrganizationAPIMixin

from . import selectors, services
from .filters import AuditFilter, ChecklistItemFilter, CorrectiveActionFilter, FindingFilter
from .models import Audit, ChecklistItem, CorrectiveAction, Finding, ManagementReview
from .serializers import (
    AuditSerializer,
    BlockedSerializer,
    ChecklistItemSerializer,
    CorrectiveActionSerializer,
    EvidenceFileSerializer,
    EvidenceUploadSerializer,
    FindingSerializer,
    ManagementReviewSerializer,
    StartRequestSerializer,
    VerifyRequestSerializer,
)

_400 = OpenApiResponse(
    description="Invalid values (a message per field), or the audit is closed (the message says so)."
)
_401 = OpenApiResponse(description="Not authenticated.")
_403 = OpenApiResponse(description="Your role in this organization (or on this audit) does not allow this.")
_404 = OpenApiResponse(description="No such organization for you, or no such record in it.")
_READ = {401: _401, 404: _404}
_WRITE = {400: _400, 401: _401, 403: _403, 404: _404}
_P = [ORGANIZATION_SLUG_PARAMETER]


def _crud(serializer, *, create=True, update=True, delete=False, filtered=True) -> dict:
    filter_error = (
        {400: OpenApiResponse(description="A filter has a value it does not know.")} if filtered else {}
    )
    views = {
        "list": extend_schema(parameters=_P, responses={200: serializer(many=True), **filter_error, **_READ}),
        "retrieve": extend_schema(parameters=_P, responses={200: serializer, **_READ}),
        "history": extend_schema(
            parameters=_P, responses={200: PaginatedHistoryEntryListSerializer, **_READ}
        ),
    }
    if create:
        views["create"] = extend_schema(parameters=_P, responses={201: serializer, **_WRITE})
    if update:
        views["update"] = extend_schema(parameters=_P, responses={200: serializer, **_WRITE})
        views["partial_update"] = extend_schema(parameters=_P, responses={200: serializer, **_WRITE})
    if delete:
        views["destroy"] = extend_schema(parameters=_P, responses={**DESTROY_RESPONSES, **_WRITE})
    return views


class _Scoped(OrganizationAPIMixin, RecordHistoryActionMixin):
    filter_backends = [RegisterFilterBackend]
    selector = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.model.objects.none()
        return type(self).selector(self.organization)


# --- Audits -----------------------------------------------------------------------------------


@extend_schema_view(**_crud(AuditSerializer, delete=True))
@extend_schema(tags=["audits"])
class AuditViewSet(WhereUsedActionMixin, _Scoped, viewsets.ModelViewSet):
    """The audit programme: internal and certification audits of ISO/IEC 27001,
    ISO/IEC 42001 or both as one combined audit (`frameworks`).

    Filter with `type`, `status`, `scope` (a framework code, or `combined`),
    `lead` (user id, username or email), `auditor` (user id: lead or on the team),
    `asset` (asset id) and `planned_start_after`/`_before`; sort with `ordering`.
    Planning builds the checklist (clauses, and the applicable controls of the SoA
    version chosen, else the latest approved); `start/` fixes the SoA version and
    brings the controls to it; `report/` ends the
    fieldwork; `close/` freezes the audit. Officers and administrators plan,
    change and close audits; a delete goes through `core.deletion` (409 when a
    closed audit, or a finding with corrective actions, depends on it).
    """

    queryset = Audit.objects.all()
    serializer_class = AuditSerializer
    filterset_class = AuditFilter
    selector = staticmethod(selectors.audits_for)
    action_capabilities = {
        "start": Capability.EDIT_ANY,
        "close": Capability.EDIT_ANY,
        "report": Capability.RECORD_AUDIT_RESULTS,
        "checklist": Capability.VIEW,
        "checklist_item": Capability.RECORD_AUDIT_RESULTS,
    }

    def _fresh(self, audit) -> Audit:
        return selectors.audit_get(organization=self.organization, audit_id=audit.pk)

    @staticmethod
    def _lists(data: dict) -> dict:
        return {
            "team": data.pop("team_users", None),
            "themes": data.pop("themes", None),
            "assets": data.pop("assets", None),
        }

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lists = self._lists(data)
        audit = services.audit_plan(
            organization=self.organization,
            actor=self.request.user,
            values=data,
            team=lists["team"] or (),
            themes=lists["themes"],
            assets=lists["assets"],
        )
        serializer.instance = self._fresh(audit)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        audit = services.audit_update(
            audit=serializer.instance, actor=self.request.user, values=data, **self._lists(data)
        )
        serializer.instance = self._fresh(audit)

    def perform_destroy(self, instance):
        services.audit_delete(audit=instance, actor=self.request.user)

    @extend_schema(
        parameters=_P,
        request=StartRequestSerializer,
        responses={
            200: AuditSerializer,
            400: OpenApiResponse(
                description="No SoA version is approved yet, the audit is not planned, or it is closed."
            ),
            401: _401,
            403: _403,
            404: _404,
        },
        summary="Start the audit on an approved SoA version",
    )
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        """Fixes the SoA version audited (`soa_version`, the one chosen when planning,
        or the latest approved) and adds its applicable controls to the checklist."""
        audit = self.get_object()
        body = StartRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        audit = services.audit_start(
            audit=audit, actor=request.user, soa_version=body.validated_data.get("soa_version")
        )
        return Response(AuditSerializer(self._fresh(audit), context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=_P,
        request=None,
        responses={200: AuditSerializer, **_WRITE},
        summary="End the fieldwork: the audit moves to reporting",
    )
    @action(detail=True, methods=["post"])
    def report(self, request, *args, **kwargs):
        """The lead auditor or an officer moves an audit in progress to reporting."""
        audit = services.audit_report(audit=self.get_object(), actor=request.user)
        return Response(AuditSerializer(self._fresh(audit), context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=_P,
        request=None,
        responses={
            200: AuditSerializer,
            400: OpenApiResponse(BlockedSerializer, description="What blocks the closing, one line each."),
            401: _401,
            403: _403,
            404: _404,
        },
        summary="Close the audit (it is frozen from then on)",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Closes an audit in progress or in reporting whose every item has a result
        and every nonconformity a finding; the answer to a refusal lists each blocker."""
        try:
            audit = services.audit_close(audit=self.get_object(), actor=request.user)
        except services.AuditCloseBlocked as exc:
            return Response(
                {"detail": exc.messages[0], "blockers": exc.blockers}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(AuditSerializer(self._fresh(audit), context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=_P,
        responses={200: ChecklistItemSerializer(many=True), **_READ},
        summary="The audit's checklist, in order",
    )
    @action(detail=True, methods=["get"])
    def checklist(self, request, *args, **kwargs):
        """Clauses 4-10 of the standards in scope (one item for a clause both share),
        then the applicable controls of the audited SoA version."""
        items = selectors.checklist_of(self.get_object())
        page = self.paginate_queryset(items)
        data = ChecklistItemSerializer(page if page is not None else items, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        parameters=[*_P, OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=ChecklistItemSerializer,
        responses={200: ChecklistItemSerializer, **_WRITE},
        summary="Record one checklist item's result",
    )
    @action(detail=True, methods=["patch"], url_path=r"checklist/(?P<item_id>[0-9]+)")
    def checklist_item(self, request, *args, **kwargs):
        """The same as PATCH `audit-items/{id}/`, addressed through its audit."""
        audit = self.get_object()
        item = selectors.checklist_item_get(organization=self.organization, item_id=kwargs["item_id"])
        if item.audit_id != audit.pk:
            return Response({"detail": "No such item in this audit."}, status=status.HTTP_404_NOT_FOUND)
        return _record_item(self, request, item)


def _record_item(view, request, item: ChecklistItem) -> Response:
    body = ChecklistItemSerializer(item, data=request.data, partial=True)
    body.is_valid(raise_exception=True)
    services.checklist_item_record(item=item, actor=request.user, values=dict(body.validated_data))
    fresh = selectors.checklist_item_get(organization=view.organization, item_id=item.pk)
    return Response(ChecklistItemSerializer(fresh).data)


@extend_schema_view(**_crud(ChecklistItemSerializer, create=False))
@extend_schema(tags=["audits"])
class AuditItemViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Checklist items of every audit; filter with `audit`, `result` and `kind`
    (`clause` or `control`). The auditors assigned to the audit (lead or team)
    and compliance officers record `result`, `notes` and `evidence`, and upload
    evidence files (`evidence/`), while the audit is in progress or reporting."""

    queryset = ChecklistItem.objects.all()
    serializer_class = ChecklistItemSerializer
    filterset_class = ChecklistItemFilter
    selector = staticmethod(selectors.checklist_items_for)
    http_method_names = ["get", "patch", "post", "head", "options"]
    action_capabilities = {
        "partial_update": Capability.RECORD_AUDIT_RESULTS,
        "update": Capability.RECORD_AUDIT_RESULTS,
        "evidence": Capability.RECORD_AUDIT_RESULTS,
    }

    def update(self, request, *args, **kwargs):
        return _record_item(self, request, self.get_object())

    @extend_schema(
        parameters=_P,
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceFileSerializer, **_WRITE},
        summary="Upload an evidence file",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, *args, **kwargs):
        """A PDF, image, text, CSV, XLSX or DOCX file (size-limited; its type is
        checked against its name and content), kept under the organization's folder."""
        item = self.get_object()
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evidence = services.evidence_file_add(
            item=item, actor=request.user, upload=body.validated_data["file"]
        )
        return Response(EvidenceFileSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- Findings and actions ---------------------------------------------------------------------


@extend_schema_view(**_crud(FindingSerializer))
@extend_schema(tags=["audits"])
class FindingViewSet(
    WhereUsedActionMixin,
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Findings raised from checklist items, with the clause or control and the
    standards they concern; filter with `audit`, `control` (id), `severity` and `status`. The
    audit's auditors and officers raise, change and close them; a nonconformity
    closes only once each of its corrective actions is verified effective."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    selector = staticmethod(selectors.findings_for)
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "put", "post", "head", "options"]
    action_capabilities = {
        "create": Capability.RECORD_AUDIT_RESULTS,
        "update": Capability.RECORD_AUDIT_RESULTS,
        "partial_update": Capability.RECORD_AUDIT_RESULTS,
        "close": Capability.RECORD_AUDIT_RESULTS,
    }

    def perform_create(self, serializer):
        data = serializer.validated_data
        finding = services.finding_create(
            item=data["checklist_item"],
            actor=self.request.user,
            description=data.get("description", ""),
            severity=data.get("severity", ""),
        )
        serializer.instance = selectors.finding_get(organization=self.organization, finding_id=finding.pk)

    def perform_update(self, serializer):
        finding = services.finding_update(
            finding=serializer.instance, actor=self.request.user, values=dict(serializer.validated_data)
        )
        serializer.instance = selectors.finding_get(organization=self.organization, finding_id=finding.pk)

    @extend_schema(
        parameters=_P,
        request=None,
        responses={
            200: FindingSerializer,
            400: OpenApiResponse(description="A nonconformity whose actions are not all verified effective."),
            401: _401,
            403: _403,
            404: _404,
        },
        summary="Close the finding",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Closes the finding; for a nonconformity, only once its actions are verified effective."""
        finding = services.finding_close(finding=self.get_object(), actor=request.user)
        fresh = selectors.finding_get(organization=self.organization, finding_id=finding.pk)
        return Response(FindingSerializer(fresh, context=self.get_serializer_context()).data)


@extend_schema_view(**_crud(CorrectiveActionSerializer))
@extend_schema(tags=["audits"])
class CorrectiveActionViewSet(
    WhereUsedActionMixin,
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Corrective actions on findings (10.2) and actions decided by management
    reviews (9.3): one register. Filter with `finding`, `audit`, `review`, `owner`,
    `status`, `overdue` and `due_date_after`/`_before`. Officers and the audit's
    auditors add them; officers and each action's owner change them; `verify/`
    records the verification of effectiveness (who, when, result)."""

    queryset = CorrectiveAction.objects.all()
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilter
    selector = staticmethod(selectors.corrective_actions_for)
    http_method_names = ["get", "patch", "put", "post", "head", "options"]
    # Officers add actions; auditors too, on the audits they are assigned to (the service checks that).
    action_capabilities = {
        "create": (Capability.EDIT_ANY, Capability.RECORD_AUDIT_RESULTS),
        "verify": Capability.RECORD_AUDIT_RESULTS,
    }

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        finding, review = data.pop("finding", None), data.pop("review", None)
        action_ = services.corrective_action_create(
            actor=self.request.user, values=data, finding=finding, review=review
        )
        serializer.instance = selectors.corrective_action_get(
            organization=self.organization, action_id=action_.pk
        )

    def perform_update(self, serializer):
        action_ = services.corrective_action_update(
            action=serializer.instance, actor=self.request.user, values=dict(serializer.validated_data)
        )
        serializer.instance = selectors.corrective_action_get(
            organization=self.organization, action_id=action_.pk
        )

    @extend_schema(
        parameters=_P,
        request=VerifyRequestSerializer,
        responses={200: CorrectiveActionSerializer, **_WRITE},
        summary="Verify the action's effectiveness",
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, *args, **kwargs):
        """Records who verified a done action, when, and whether it was `effective`;
        `not_effective` (with `notes`) reopens it."""
        action_ = self.get_object()
        body = VerifyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action_ = services.corrective_action_verify(
            action=action_,
            actor=request.user,
            result=body.validated_data["result"],
            notes=body.validated_data.get("notes", ""),
        )
        fresh = selectors.corrective_action_get(organization=self.organization, action_id=action_.pk)
        return Response(CorrectiveActionSerializer(fresh, context=self.get_serializer_context()).data)


# --- Management reviews -----------------------------------------------------------------------


@extend_schema_view(**_crud(ManagementReviewSerializer, filtered=False))
@extend_schema(tags=["audits"])
class ManagementReviewViewSet(
    WhereUsedActionMixin,
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Management reviews (9.3) of both systems in one meeting. `inputs` are taken
    from the organization's data as of `date` when the review is recorded (and
    again if its date changes) and stored as they were; its actions are
    corrective actions with `review` set. Officers and administrators record them."""

    queryset = ManagementReview.objects.all()
    serializer_class = ManagementReviewSerializer
    filter_backends = []
    selector = staticmethod(selectors.management_reviews_for)
    http_method_names = ["get", "patch", "put", "post", "head", "options"]

    def perform_create(self, serializer):
        review = services.management_review_create(
            organization=self.organization, actor=self.request.user, values=dict(serializer.validated_data)
        )
        serializer.instance = selectors.management_review_get(
            organization=self.organization, review_id=review.pk
        )

    def perform_update(self, serializer):
        review = services.management_review_update(
            review=serializer.instance, actor=self.request.user, values=dict(serializer.validated_data)
        )
        serializer.instance = selectors.management_review_get(
            organization=self.organization, review_id=review.pk
        )
