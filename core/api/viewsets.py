"""Schema pieces and actions shared by the API resources (scoping: ``organizations.scoping``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ..history import history_for

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


HistoryEntrySerializer = inline_serializer(
    "HistoryEntry",
    {
        "when": serializers.DateTimeField(),
        "who": serializers.CharField(),
        "action": serializers.CharField(),
        "reason": serializers.CharField(),
        "changes": FieldChangesSerializer,
    },
    many=True,
)


class RecordHistoryActionMixin:
    """A ``history/`` action on a viewset over records that keep history."""

    @extend_schema(responses=HistoryEntrySerializer)
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        """Every change to this record: who, when, what changed from what to what."""
        entries = history_for(self.get_object())
        return Response(
            [
                {
                    "when": e.when,
                    "who": e.who,
                    "action": e.action,
                    "reason": e.reason,
                    "changes": [c.__dict__ for c in e.changes],
                }
                for e in entries
            ]
        )
