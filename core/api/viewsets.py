"""Base of every organization-owned API resource under
``/api/v1/organizations/{organization_slug}/…``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from organizations.selectors import membership_for

from ..history import history_for
from .permissions import OrganizationRolePermission

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


class OrganizationScopedMixin:
    """Resolves the organization from the URL through the user's membership
    (404 for non-members) and keeps every queryset inside it."""

    permission_classes = [IsAuthenticated, OrganizationRolePermission]

    def check_permissions(self, request):
        # Runs after authentication, so a token's user is known here.
        if request.user and request.user.is_authenticated and not hasattr(self, "membership"):
            self.membership = membership_for(
                user=request.user, organization_slug=self.kwargs["organization_slug"]
            )
            self.organization = self.membership.organization
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.model.objects.none()
        return self.get_base_queryset().for_organization(self.organization)

    def get_base_queryset(self):
        return self.queryset.model.objects.all()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "organization"):
            context["organization"] = self.organization
            context["membership"] = self.membership
        return context


class OrganizationScopedViewSet(OrganizationScopedMixin, viewsets.ModelViewSet):
    """CRUD over one organization-owned model, with a ``history/`` action."""

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
