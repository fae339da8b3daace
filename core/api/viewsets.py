"""Schema pieces and actions shared by the API resources (scoping: ``organizations.scoping``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action

from ..history import record_history
from .schema import ErrorSerializer, FieldErrorsSerializer

ORGANIZATION_SLUG_PARAMETER = OpenApiParameter(
    "organization_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The organization's slug."
)


# The schema of a list of ``core.history.FieldChange``, shared by every history-like response
# (one instance, so that the OpenAPI component is one).
FieldChangesSerializer = inline_serializer(
    "FieldChange",
    {
        "field": serializers.CharField(),
        "label": serializers.CharField(),
        "old": serializers.CharField(),
        "new": serializers.CharField(),
    },
    many=True,
)


class HistoryEntrySerializer(serializers.Serializer):
    """One entry of a record's history (``core.history.HistoryEntry``)."""

    when = serializers.DateTimeField()
    who = serializers.CharField()
    action = serializers.CharField()
    reason = serializers.CharField()
    changes = FieldChangesSerializer


class PaginatedHistoryEntryListSerializer(serializers.Serializer):
    """A page of a record's history, newest first (``?page=``, ``?page_size=``)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


#: ``?page=`` and ``?page_size=`` of an action that paginates (drf-spectacular documents them on lists only).
PAGE_PARAMETERS = [
    OpenApiParameter(
        "page", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, description="The page, from 1."
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 500},
        OpenApiParameter.QUERY,
        description="Entries per page (50 unless said).",
    ),
]


class DeletionBlockerSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="What the record is, e.g. “AI system impact assessment”.")
    label = serializers.CharField(help_text="The record, by name.")
    reason = serializers.CharField(help_text="Why it refuses the delete, e.g. “is signed off”.")


class DeletionRefusedSerializer(ErrorSerializer):
    blocking = DeletionBlockerSerializer(many=True)


#: The answers of a DELETE that goes through ``core.deletion``.
DESTROY_RESPONSES = {
    204: OpenApiResponse(description="Deleted; every affected record's history names it."),
    409: OpenApiResponse(
        DeletionRefusedSerializer,
        description="Refused: signed, approved or frozen records depend on this one (named in `blocking`).",
    ),
}
#: The answer of a change to a frozen record (``core.freezing.RecordFrozen``).
FROZEN_RESPONSE = OpenApiResponse(
    FieldErrorsSerializer,
    description="Refused: the record is frozen (signed off, approved or closed); `detail` says so.",
)


class RecordHistoryActionMixin:
    """A ``history/`` action on a viewset over records that keep history, paginated
    like the lists, with the entries of the record's parts (``core.history.record_history``)."""

    @extend_schema(parameters=PAGE_PARAMETERS, responses=PaginatedHistoryEntryListSerializer)
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        """Every change to this record: who, when, what changed from what to what; newest first."""
        record = self.get_object()
        entries = record_history(type(record), record.history.all(), record.pk)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(
            [
                {
                    "when": e.when,
                    "who": e.who,
                    "action": e.action,
                    "reason": e.reason,
                    "changes": [c.__dict__ for c in e.changes],
                }
                for e in page
            ]
        )
