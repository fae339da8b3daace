"""Schema pieces and actions shared by the API resources (scoping: ``organizations.scoping``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ..history import record_history
from ..where_used import where_used
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


class UsageItemSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The record that uses this one, by reference and name.")
    url = serializers.CharField(help_text="Its page in the portal (a path); empty when it has none yet.")
    note = serializers.CharField(help_text="A short state, e.g. “High · Open” or “Applicable · Implemented”.")


class UsageLineSerializer(serializers.Serializer):
    """One kind of use of a record (``core.where_used.UsageLine``)."""

    key = serializers.CharField(help_text="Which kind of use: risks, impact_assessments, soa_decision, …")
    title = serializers.CharField()
    count = serializers.IntegerField(help_text="How many records use it this way, in this organization.")
    items = UsageItemSerializer(many=True, help_text="The first few of them.")
    all_url = serializers.CharField(help_text="The portal page listing all of them (a path), or empty.")


WHERE_USED_RESPONSES = {
    200: UsageLineSerializer(many=True),
    401: OpenApiResponse(description="Not authenticated."),
    404: OpenApiResponse(description="No such organization for you, or no such record in it."),
}


class WhereUsedActionMixin:
    """A ``where-used/`` action: the records of the organization that use this one, one line
    per kind of use, each with its count and first few records (``core.where_used``)."""

    @extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER], responses=WHERE_USED_RESPONSES)
    @action(detail=True, methods=["get"], url_path="where-used", filter_backends=[], pagination_class=None)
    def where_used(self, request, *args, **kwargs):
        """Where this record is used in the organization: one line per kind of use."""
        lines = where_used(self.get_object(), organization=self.organization)
        return Response(UsageLineSerializer(lines, many=True).data)
