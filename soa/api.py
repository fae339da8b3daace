"""``/api/v1/organizations/{organization_slug}/soa/``, ``…/soa-versions/`` and ``…/gap-analysis/``.

Thin: each endpoint translates HTTP to a selector or service call and back; the
services check roles and rules exactly as for the pages.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.api.viewsets import ORGANIZATION_SLUG_PARAMETER, RecordHistoryActionMixin, WhereUsedActionMixin
from core.registers.filters import SearchFilter, StrictFilterBackend
from core.roles import Capability
from documents.serializers import ErrorSerializer, GeneratedDocumentSerializer
from organizations.scoping import OrganizationAPIMixin

from . import selectors, services
from .documents import soa_pdf_request
from .filters import SEARCH_FIELDS, SoAEntryFilter
from .gap_analysis import gap_analysis_for
from .models import SoAEntry, SoAVersion
from .serializers import (
    ApplyToMappedRequestSerializer,
    ApplyToMappedResponseSerializer,
    ApprovalBlockedSerializer,
    GapAnalysisSerializer,
    ProblemsResponseSerializer,
    SoABulkErrorSerializer,
    SoABulkRowSerializer,
    SoABulkUpdateRequestSerializer,
    SoABulkUpdateSchemaSerializer,
    SoAEntrySerializer,
    SoAVersionApproveRequestSerializer,
    SoAVersionDetailSerializer,
    SoAVersionSerializer,
    VersionDiffSerializer,
)
from .versions import versions_diff

_ERRORS = {
    400: OpenApiResponse(description="Invalid values: a message per field."),
    403: OpenApiResponse(description="Your role in this organization does not allow this."),
    404: OpenApiResponse(description="No such organization for you, or no such row in it."),
}
_READ_ERRORS = {404: _ERRORS[404]}
_PDF_RESPONSES = {
    202: OpenApiResponse(
        GeneratedDocumentSerializer,
        description="The document job: poll its `url` until `status` is `done` (then `download_url` "
        "serves the PDF, with `size` and `sha256`) or `failed` (then `error` says why).",
    ),
    401: OpenApiResponse(ErrorSerializer, description="No or invalid credentials."),
    403: OpenApiResponse(ErrorSerializer, description="Your role may not export (viewers); auditors may."),
}


def _document_accepted(view, document) -> Response:
    """202 with the document job, its status URL in ``Location``."""
    document.organization = view.organization
    data = GeneratedDocumentSerializer(document, context=view.get_serializer_context()).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


@extend_schema_view(
    list=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER], responses={200: SoAEntrySerializer, **_READ_ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER], responses={200: SoAEntrySerializer, **_READ_ERRORS}
    ),
    partial_update=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER], responses={200: SoAEntrySerializer, **_ERRORS}
    ),
    history=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
)
@extend_schema(tags=["soa"])
class SoAEntryViewSet(
    WhereUsedActionMixin,
    OrganizationAPIMixin,
    RecordHistoryActionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The joint Statement of Applicability: one row per Annex A control of
    ISO/IEC 27001 and ISO/IEC 42001, in catalogue order.

    Filter with `framework` (code), `theme`, `applicable` (`true`, `false`,
    `undecided`), `status`, `owner` (user id), `reason` (a reason kind;
    `risk_treatment` for rows whose control treats a risk of the register), `risk`
    (a risk's id: the rows of its treatment controls) and `has_problem`; search
    with `search`; sort with `ordering`. Rows exist for every control: they are
    changed, never created or deleted. Officers and admins change any row,
    contributors the rows they own.
    """

    queryset = SoAEntry.objects.all()
    serializer_class = SoAEntrySerializer
    filter_backends = [StrictFilterBackend, SearchFilter]
    filterset_class = SoAEntryFilter
    search_fields = SEARCH_FIELDS
    http_method_names = ["get", "patch", "post", "head", "options"]
    action_capabilities = {
        "apply_to_mapped": Capability.EDIT_ANY,
        "problems": Capability.VIEW,
        "draft_pdf": Capability.EXPORT,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SoAEntry.objects.none()
        return selectors.entries_for(self.organization)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reasons = data.pop("reasons", None)
        entry = services.soa_entry_update(
            entry=serializer.instance, actor=self.request.user, values=data, reasons=reasons
        )
        serializer.instance = selectors.entry_get(organization=self.organization, entry_id=entry.pk)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=SoABulkUpdateSchemaSerializer,
        responses={
            200: SoAEntrySerializer(many=True),
            400: OpenApiResponse(
                SoABulkErrorSerializer, description="Some rows are invalid; nothing changed."
            ),
            403: _ERRORS[403],
            404: _ERRORS[404],
        },
        summary="Change many rows at once, all or nothing",
    )
    @action(detail=False, methods=["post"], url_path="bulk-update", parser_classes=[JSONParser])
    def bulk_update(self, request, *args, **kwargs):
        """Each row names its `id` and the fields to set, as on PATCH. Every row is
        checked first; if any fails, nothing is changed and the answer gives each
        failing row's errors under its id."""
        try:
            body = SoABulkUpdateRequestSerializer(data=request.data)
        except ParseError as exc:
            return _request_errors({"non_field_errors": [str(exc.detail)]})
        if not body.is_valid():
            return _request_errors(body.errors)
        changes, errors = [], {}
        for position, raw in enumerate(body.validated_data["rows"]):
            row = SoABulkRowSerializer(data=raw, context=self.get_serializer_context())
            if row.is_valid():
                changes.append(dict(row.validated_data))
            else:
                key = raw.get("id") if isinstance(raw.get("id"), int) else position
                errors[str(key)] = row.errors
        if errors:
            return _bulk_errors(errors, len(changes) + len(errors))
        try:
            entries = services.soa_bulk_update(
                organization=self.organization,
                actor=request.user,
                changes=changes,
                reason=body.validated_data.get("reason", ""),
            )
        except services.SoABulkError as exc:
            return _bulk_errors({str(k): v for k, v in exc.errors.items()}, len(changes))
        except DjangoValidationError as exc:  # the request as a whole, e.g. no rows
            return _request_errors(exc.message_dict if hasattr(exc, "error_dict") else {"rows": exc.messages})
        fresh = selectors.entries_for(self.organization).filter(pk__in=[e.pk for e in entries])
        return Response(self.get_serializer(fresh, many=True).data)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=ApplyToMappedRequestSerializer,
        responses={200: ApplyToMappedResponseSerializer, **_ERRORS},
        summary="Copy this row's decision to its crosswalk counterparts",
    )
    @action(detail=True, methods=["post"], url_path="apply-to-mapped")
    def apply_to_mapped(self, request, *args, **kwargs):
        """Copies applicability, recorded reasons and status (and, for an
        exclusion, its justification) to the rows of the controls the crosswalk
        links to this one. Answers exactly which rows change and how; with
        `dry_run` nothing is written (for the confirmation)."""
        entry = self.get_object()
        body = ApplyToMappedRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dry_run = body.validated_data["dry_run"]
        changed = services.soa_apply_to_mapped(entry=entry, actor=request.user, dry_run=dry_run)
        return Response(ApplyToMappedResponseSerializer({"dry_run": dry_run, "changed": changed}).data)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        responses={200: ProblemsResponseSerializer, **_READ_ERRORS},
        summary="The consistency checks and the rows failing each",
    )
    @action(detail=False, methods=["get"])
    def problems(self, request, *args, **kwargs):
        """Every consistency check, with the rows that fail it (an empty list when none)."""
        groups = selectors.problems_for(self.organization)
        failing = {entry.pk for group in groups for entry in group.entries}
        return Response(ProblemsResponseSerializer({"count": len(failing), "checks": groups}).data)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=None,
        responses={
            **_PDF_RESPONSES,
            404: OpenApiResponse(ErrorSerializer, description="No such organization for you."),
        },
        summary="Request a PDF of the live table, watermarked DRAFT; built in the background",
    )
    @action(detail=False, methods=["post"], url_path="pdf", filter_backends=[])
    def draft_pdf(self, request, *args, **kwargs):
        """Queues the live Statement of Applicability as a PDF marked DRAFT on every
        page (not an approved version). Answers 202 with the document job."""
        return _document_accepted(
            self, soa_pdf_request(organization=self.organization, actor=request.user, version=None)
        )


def _request_errors(errors: dict) -> Response:
    """A bulk request refused as a whole: its errors under ``request``, in the shape of row errors."""
    return Response(
        {"detail": "The request is invalid; nothing was changed.", "errors": {"request": errors}},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _bulk_errors(errors: dict, total: int) -> Response:
    return Response(
        {"detail": f"{len(errors)} of {total} rows are invalid; nothing was changed.", "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


_NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version number."
)


@extend_schema_view(
    list=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER], responses={200: SoAVersionSerializer, **_READ_ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER, _NUMBER],
        responses={200: SoAVersionDetailSerializer, **_READ_ERRORS},
    ),
    create=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=SoAVersionApproveRequestSerializer,
        responses={
            201: SoAVersionDetailSerializer,
            400: OpenApiResponse(
                ApprovalBlockedSerializer,
                description="Rows block the approval (undecided, or excluded without justification); "
                "or the change summary is missing.",
            ),
            403: OpenApiResponse(description="Only compliance officers and administrators approve."),
            404: _ERRORS[404],
        },
        summary="Approve the live SoA as the next version",
    ),
)
@extend_schema(tags=["soa"])
class SoAVersionViewSet(
    OrganizationAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Approved versions of the SoA, newest first, addressed by `number`. A
    version is frozen: it cannot be changed or deleted by any path; the next
    approval supersedes it."""

    queryset = SoAVersion.objects.all()
    serializer_class = SoAVersionSerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"
    filter_backends = []
    http_method_names = ["get", "post", "head", "options"]
    action_capabilities = {"create": Capability.APPROVE, "pdf": Capability.EXPORT}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SoAVersion.objects.none()
        return selectors.versions_for(self.organization)

    def get_object(self):
        version = selectors.version_get(organization=self.organization, number=self.kwargs["number"])
        self.check_object_permissions(self.request, version)
        return version

    def get_serializer_class(self):
        return SoAVersionDetailSerializer if self.action in ("retrieve", "create") else SoAVersionSerializer

    def create(self, request, *args, **kwargs):
        body = SoAVersionApproveRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = services.soa_version_approve(
                organization=self.organization,
                actor=request.user,
                change_summary=body.validated_data["change_summary"],
            )
        except services.SoAApprovalBlocked as exc:
            return Response(
                {"detail": exc.messages[0], "blocking_rows": [row.__dict__ for row in exc.blocking]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        version = selectors.version_get(organization=self.organization, number=version.number)
        return Response(SoAVersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            ORGANIZATION_SLUG_PARAMETER,
            _NUMBER,
            OpenApiParameter(
                "against",
                OpenApiTypes.INT,
                required=True,
                description="The number of the version to compare with.",
            ),
        ],
        responses={
            200: VersionDiffSerializer,
            400: OpenApiResponse(description="`against` is missing or not a number."),
            404: OpenApiResponse(description="No such version (either one) in this organization."),
        },
        summary="Compare two versions row by row",
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, *args, **kwargs):
        """What changed from version `against` to this one: each row that differs,
        field by field, from what to what (rows only in one are added or removed)."""
        against = request.query_params.get("against", "")
        if not against.isdigit():
            raise ValidationError({"against": ["Give the number of the version to compare with."]})
        newer = self.get_object()
        older = selectors.version_get(organization=self.organization, number=against)
        return Response(VersionDiffSerializer(versions_diff(older=older, newer=newer)).data)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER, _NUMBER],
        request=None,
        responses={
            **_PDF_RESPONSES,
            404: OpenApiResponse(
                ErrorSerializer, description="No such version in this organization, or no such organization."
            ),
        },
        summary="Request the PDF of an approved version; built in the background",
    )
    @action(detail=True, methods=["post"])
    def pdf(self, request, *args, **kwargs):
        """Queues the auditor's PDF of this version: document control block with the
        rows' SHA-256, scope, a summary per standard, every row, and the rows
        attached as JSON. Answers 202 with the document job; building never
        changes the version."""
        version = self.get_object()
        return _document_accepted(
            self, soa_pdf_request(organization=self.organization, actor=request.user, version=version)
        )


@extend_schema(
    tags=["soa"],
    parameters=[ORGANIZATION_SLUG_PARAMETER],
    responses={200: GapAnalysisSerializer, **_READ_ERRORS},
    summary="What ISO/IEC 42001 adds to this organization's ISO/IEC 27001",
)
class GapAnalysisView(OrganizationAPIMixin, generics.GenericAPIView):
    """Each ISO/IEC 42001 control as `covered`, `partly_covered` or `new_work`,
    from the organization's own ISO/IEC 27001 decisions and the crosswalk, with
    the 27001 controls behind it; totals and percentages; the method in `method`."""

    serializer_class = GapAnalysisSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request, *args, **kwargs):
        return Response(GapAnalysisSerializer(gap_analysis_for(self.organization)).data)
