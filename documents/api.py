"""``/api/v1/organizations/{organization_slug}/documents/``: every file built in the background.

``POST`` requests one (202 with the job), ``GET …/{id}/`` is polled until
``status`` is ``done`` (then ``download_url`` serves the file) or ``failed``
(then ``error`` says why and ``POST …/{id}/retry/`` queues it again).
A member sees, requests and downloads only the kinds their role may export.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.api.viewsets import ORGANIZATION_SLUG_PARAMETER
from core.registers.filters import StrictFilterBackend
from core.roles import Capability
from organizations.scoping import OrganizationAPIMixin

from . import registry, selectors, services
from .downloads import document_download_response
from .filters import DocumentFilter
from .models import GeneratedDocument
from .serializers import DocumentRequestSerializer, ErrorSerializer, GeneratedDocumentSerializer

_401 = OpenApiResponse(ErrorSerializer, description="No or invalid credentials.")
_403 = OpenApiResponse(
    ErrorSerializer, description="Your role may not request or read this kind of document."
)
_404 = OpenApiResponse(
    ErrorSerializer, description="No such organization or document, or one of another organization."
)
_400 = OpenApiResponse(
    OpenApiTypes.OBJECT, description="The kind is unknown or the parameters are invalid: messages per field."
)


class _AnyFileRenderer(BaseRenderer):
    """Lets a download be asked for with any ``Accept`` (``application/pdf``…); the
    file itself is a ``FileResponse``, so this only renders error answers, as JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class DocumentDestroyMixin(mixins.DestroyModelMixin):
    """``DELETE …/{id}/``: an administrator deletes a finished document and its file (204);
    a queued or running one answers 400, its history is kept. Declare ``"destroy":
    Capability.DELETE_DOCUMENTS`` in the viewset's ``action_capabilities``."""

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=None,
        responses={
            204: OpenApiResponse(description="Deleted, with its file; its history is kept."),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Still queued or running: `status` says so."
            ),
            401: _401,
            403: OpenApiResponse(ErrorSerializer, description="Only administrators delete generated files."),
            404: _404,
        },
        summary="Delete a finished document and its file (administrators)",
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.document_delete(document=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        summary="The organization's generated documents, newest first",
        responses={
            200: GeneratedDocumentSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="An unknown `status` in the filters."),
            401: _401,
            404: _404,
        },
    ),
    retrieve=extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        summary="One generated document's status (poll it)",
        responses={200: GeneratedDocumentSerializer, 401: _401, 403: _403, 404: _404},
    ),
)
@extend_schema(tags=["documents"])
class GeneratedDocumentViewSet(
    OrganizationAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    DocumentDestroyMixin,
    viewsets.GenericViewSet,
):
    """Files the portal builds in the background (PDFs, large exports).

    Filter with `kind` and `status` (one or more of `queued`, `running`, `done`, `failed`).
    """

    queryset = GeneratedDocument.objects.all()
    serializer_class = GeneratedDocumentSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = DocumentFilter
    # Which kinds a member may touch is decided per kind (registry.kinds_for), below.
    action_capabilities = {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "create": Capability.VIEW,
        "retry": Capability.VIEW,
        "download": Capability.VIEW,
        "destroy": Capability.DELETE_DOCUMENTS,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GeneratedDocument.objects.none()
        # The list shows the kinds the member may export; another kind's document is a 403, as on pages.
        membership = self.membership if self.action == "list" else None
        return selectors.documents_for(self.organization, membership=membership).select_related(
            "organization"
        )

    def get_object(self):
        document = super().get_object()
        if not registry.can_access(self.membership, document.kind):
            raise PermissionDenied("Your role in this organization may not read this kind of document.")
        return document

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=DocumentRequestSerializer,
        responses={202: GeneratedDocumentSerializer, 400: _400, 401: _401, 403: _403, 404: _404},
        summary="Request a document; it is built in the background",
    )
    def create(self, request, *args, **kwargs):
        """Queue a document of `kind` with its `parameters`; answers 202 with the job to poll."""
        if not registry.kinds_for(self.membership):
            raise PermissionDenied("Your role in this organization may not request documents.")
        serializer = DocumentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind = serializer.validated_data["kind"]
        if kind in {k.kind for k in registry.kinds()} and not registry.can_access(self.membership, kind):
            raise PermissionDenied("Your role in this organization may not request this kind of document.")
        document = services.document_request(
            organization=self.organization,
            actor=request.user,
            kind=kind,
            parameters=serializer.validated_data.get("parameters") or {},
        )
        document.organization = self.organization
        data = GeneratedDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=None,
        responses={
            202: GeneratedDocumentSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Only a failed document can be retried."),
            401: _401,
            403: _403,
            404: _404,
        },
        summary="Queue a failed document again",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def retry(self, request, *args, **kwargs):
        document = services.document_retry(document=self.get_object(), actor=request.user)
        data = GeneratedDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its SHA-256 in `X-Content-SHA256`."
            ),
            401: _401,
            403: _403,
            404: OpenApiResponse(
                ErrorSerializer, description="Not done yet, gone, or not this organization's."
            ),
        },
        summary="Download a done document",
    )
    @action(
        detail=True, methods=["get"], filter_backends=[], renderer_classes=[JSONRenderer, _AnyFileRenderer]
    )
    def download(self, request, *args, **kwargs):
        return document_download_response(self.get_object())
