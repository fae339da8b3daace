"""``/api/v1/organizations/{organization_slug}/audit-packs/``: an audit's pack PDF, built in the background.

``POST {audit, sections?}`` answers 202 with the job (the generated-documents status shape), polled
at its ``url`` until ``status`` is ``done`` (then ``download_url`` serves the PDF, ``sha256`` is its
SHA-256) or ``failed`` (``error`` says why). ``GET`` lists the organization's packs (``?audit=``).
Viewers may not export: 403. Another organization's audit, pack or file: 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.viewsets import ORGANIZATION_SLUG_PARAMETER
from core.roles import Capability
from documents.api import DocumentDestroyMixin, _AnyFileRenderer
from documents.downloads import document_download_response
from documents.models import GeneratedDocument
from documents.serializers import ErrorSerializer, GeneratedDocumentSerializer, document_api_url
from organizations.scoping import OrganizationAPIMixin

from .pack.build import SECTION_CODES
from .pack.requests import audit_pack_request, audit_packs_for


class AuditPackSerializer(GeneratedDocumentSerializer):
    """The generated-documents status shape, polled and downloaded under ``audit-packs/``."""

    audit = serializers.SerializerMethodField(help_text="The id of the audit the pack is of.")
    sections = serializers.SerializerMethodField(help_text="The section codes printed, in order.")

    class Meta(GeneratedDocumentSerializer.Meta):
        fields = [*GeneratedDocumentSerializer.Meta.fields, "audit", "sections"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document) -> str:
        return document_api_url(document, self.context.get("request"), "audit-pack-detail")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, document):
        if not self._done(document):
            return None
        return document_api_url(document, self.context.get("request"), "audit-pack-download")

    @extend_schema_field(OpenApiTypes.INT)
    def get_audit(self, document) -> int:
        return document.parameters.get("audit")

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(SECTION_CODES)}})
    def get_sections(self, document) -> list[str]:
        return document.parameters.get("sections") or list(SECTION_CODES)


class AuditPackRequestSerializer(serializers.Serializer):
    audit = serializers.IntegerField(help_text="The id of one of this organization's audits.")
    sections = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_empty=False,
        help_text=f"Section codes in the order wanted; all by default: {', '.join(SECTION_CODES)}.",
    )


_400 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Invalid request: messages per field (`audit`: not an id; "
    "`sections`: unknown codes, with the valid ones).",
)
_401 = OpenApiResponse(ErrorSerializer, description="No or invalid credentials.")
_403 = OpenApiResponse(
    ErrorSerializer, description="Your role in this organization may not export audit packs."
)
_404 = OpenApiResponse(
    ErrorSerializer, description="No such organization or pack, or one of another organization."
)
_AUDIT_FILTER = OpenApiParameter(
    "audit", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Only the packs of this audit (its id)."
)
_P = [ORGANIZATION_SLUG_PARAMETER]


@extend_schema_view(
    list=extend_schema(
        parameters=[*_P, _AUDIT_FILTER],
        summary="The organization's audit packs, newest first",
        responses={
            200: AuditPackSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="`audit` is not an id."),
            401: _401,
            403: _403,
            404: _404,
        },
    ),
    retrieve=extend_schema(
        parameters=_P,
        summary="One audit pack's status (poll it)",
        responses={200: AuditPackSerializer, 401: _401, 403: _403, 404: _404},
    ),
)
@extend_schema(tags=["audits"])
class AuditPackViewSet(
    OrganizationAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    DocumentDestroyMixin,
    viewsets.GenericViewSet,
):
    """Audit pack PDFs: requested here, built by the workers, polled and downloaded here."""

    queryset = GeneratedDocument.objects.all()
    serializer_class = AuditPackSerializer
    action_capabilities = {
        "list": Capability.EXPORT,
        "retrieve": Capability.EXPORT,
        "create": Capability.EXPORT,
        "download": Capability.EXPORT,
        "destroy": Capability.DELETE_DOCUMENTS,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GeneratedDocument.objects.none()
        audit_id = None
        if self.action == "list" and self.request.query_params.get("audit") not in (None, ""):
            try:
                audit_id = int(self.request.query_params["audit"])
            except ValueError:
                raise ValidationError({"audit": ["Give the id of an audit."]}) from None
        return audit_packs_for(self.organization, audit_id=audit_id)

    @extend_schema(
        parameters=_P,
        request=AuditPackRequestSerializer,
        responses={
            202: AuditPackSerializer,
            400: _400,
            401: _401,
            403: _403,
            404: OpenApiResponse(
                ErrorSerializer, description="No such organization, or no such audit in it (another's)."
            ),
        },
        summary="Request an audit pack; it is built in the background",
    )
    def create(self, request, *args, **kwargs):
        """Queue the pack of `audit` with `sections`; answers 202 with the job to poll at `url`."""
        serializer = AuditPackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = audit_pack_request(
            organization=self.organization,
            actor=request.user,
            audit=serializer.validated_data["audit"],
            sections=serializer.validated_data.get("sections"),
        )
        document.organization = self.organization
        data = AuditPackSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(
        parameters=_P,
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF, with its SHA-256 in `X-Content-SHA256`."
            ),
            401: _401,
            403: _403,
            404: OpenApiResponse(
                ErrorSerializer, description="Not done yet, gone, or not this organization's."
            ),
        },
        summary="Download a done audit pack",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, _AnyFileRenderer])
    def download(self, request, *args, **kwargs):
        return document_download_response(self.get_object())
