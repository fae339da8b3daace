"""The one status shape of a generated document (DESIGN.md, "REST API contract")."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api.schema import ErrorSerializer  # the one error shape of the API

__all__ = ["DocumentRequestSerializer", "ErrorSerializer", "GeneratedDocumentSerializer"]

from .models import DocumentStatus, GeneratedDocument


def document_api_url(document: GeneratedDocument, request, name: str = "document-detail") -> str:
    return reverse(
        f"api:{name}",
        kwargs={"organization_slug": document.organization.slug, "pk": document.pk},
        request=request,
    )


class GeneratedDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Poll this until `status` is `done` or `failed`.")
    download_url = serializers.SerializerMethodField(help_text="The file, once `status` is `done`.")
    size = serializers.SerializerMethodField(help_text="Bytes, once done.")
    sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the file (hex), once done.")
    error = serializers.SerializerMethodField(help_text="Why it failed, when `status` is `failed`.")
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=DocumentStatus.choices, read_only=True)

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "progress",
            "url",
            "download_url",
            "size",
            "sha256",
            "error",
            "parameters",
            "filename",
            "content_type",
            "requested_by",
            "attempts",
            "requested_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def _done(self, document) -> bool:
        return document.status == DocumentStatus.DONE

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document) -> str:
        return document_api_url(document, self.context.get("request"))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, document):
        if not self._done(document):
            return None
        return document_api_url(document, self.context.get("request"), "document-download")

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_size(self, document):
        return document.size if self._done(document) else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_sha256(self, document):
        return document.sha256 if self._done(document) else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_error(self, document):
        return document.error if document.status == DocumentStatus.FAILED else None


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="A registered document kind, e.g. `asset_inventory_xlsx`.")
    parameters = serializers.JSONField(
        required=False, default=dict, help_text="What the kind accepts (e.g. the asset filters)."
    )
