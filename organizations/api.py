from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.viewsets import ORGANIZATION_SLUG_PARAMETER, FieldChangesSerializer, WhereUsedActionMixin
from core.audit_trail import Trail
from core.roles import Capability
from organizations.scoping import OrganizationAPIMixin, token_organization_id

from . import selectors, services
from .forms import TrailFilterForm
from .models import Membership, Organization
from .serializers import (
    MembershipRoleSerializer,
    MembershipSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    update=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    partial_update=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
)
@extend_schema(tags=["organizations"])
class OrganizationViewSet(
    OrganizationAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organizations you are a member of. Creating one makes you its administrator.

    One organization (``{organization_slug}/``) is reached through your
    membership like every other scoped endpoint; administrators change it.
    """

    action_capabilities = {
        "update": Capability.MANAGE_MEMBERS,
        "partial_update": Capability.MANAGE_MEMBERS,
    }
    lookup_field = "slug"
    lookup_url_kwarg = "organization_slug"
    filterset_fields = []
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_permissions(self):
        if not self.detail:
            # The list and create answer for the user, not for one organization.
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        organizations = selectors.organizations_of(self.request.user)
        limit = token_organization_id(self.request)
        return organizations if limit is None else organizations.filter(pk=limit)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return OrganizationUpdateSerializer
        return OrganizationSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["roles_by_organization"] = dict(
            Membership.objects.filter(user=self.request.user).values_list("organization_id", "role")
        )
        return context

    def create(self, request, *args, **kwargs):
        if token_organization_id(request) is not None:
            raise PermissionDenied("This token is limited to one organization: it cannot create another.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = services.organization_create(creator=request.user, **serializer.validated_data)
        output = self.get_serializer(organization)
        return Response(output.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        organization = serializer.instance
        serializer.instance = services.organization_update(
            organization=organization,
            actor=self.request.user,
            name=serializer.validated_data.get("name", organization.name),
            description=serializer.validated_data.get("description", organization.description),
        )


@extend_schema_view(
    list=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    create=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    retrieve=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    update=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    partial_update=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
    destroy=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER]),
)
@extend_schema(tags=["organizations"])
class MemberViewSet(WhereUsedActionMixin, OrganizationAPIMixin, viewsets.ModelViewSet):
    """Members of the organization and their roles; only administrators change them.
    `…/{id}/where-used/` lists what a member owns (assets, risks, actions, SoA rows)."""

    queryset = Membership.objects.all()
    filterset_fields = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    ordering_fields = ["user__username", "role", "created_at"]
    ordering = ["user__username"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    action_capabilities = {
        "create": Capability.MANAGE_MEMBERS,
        "update": Capability.MANAGE_MEMBERS,
        "partial_update": Capability.MANAGE_MEMBERS,
        "destroy": Capability.MANAGE_MEMBERS,
    }

    def get_base_queryset(self):
        return Membership.objects.select_related("user")

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return MembershipRoleSerializer
        return MembershipSerializer

    def perform_create(self, serializer):
        serializer.instance = services.membership_add(
            organization=self.organization,
            actor=self.request.user,
            user=serializer.validated_data["user"],
            role=serializer.validated_data["role"],
        )

    def perform_update(self, serializer):
        # A PATCH without ``role`` changes nothing (and writes no history).
        role = serializer.validated_data.get("role", serializer.instance.role)
        if role != serializer.instance.role:
            serializer.instance = services.membership_change_role(
                membership=serializer.instance, actor=self.request.user, role=role
            )

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, actor=self.request.user)


TrailEntrySerializer = inline_serializer(
    "TrailEntry",
    {
        "when": serializers.DateTimeField(),
        "who": serializers.CharField(),
        "action": serializers.ChoiceField(choices=["Created", "Changed", "Deleted"]),
        "kind": serializers.CharField(help_text="Record type, as `app_label.model`, e.g. `risks.risk`."),
        "kind_label": serializers.CharField(),
        "record_id": serializers.IntegerField(),
        "record": serializers.CharField(),
        "reason": serializers.CharField(),
        "changes": FieldChangesSerializer,
    },
    many=True,
)


@extend_schema(
    tags=["organizations"],
    parameters=[
        ORGANIZATION_SLUG_PARAMETER,
        OpenApiParameter("kind", str, description="Record type, e.g. `assets.asset`, `risks.risk`."),
        OpenApiParameter("who", int, description="ID of the user who made the change."),
        OpenApiParameter("action", str, enum=["created", "changed", "deleted"]),
        OpenApiParameter("since", OpenApiTypes.DATE, description="Changes on or after this day."),
        OpenApiParameter("until", OpenApiTypes.DATE, description="Changes on or before this day."),
    ],
    responses=TrailEntrySerializer,
)
class AuditTrailView(OrganizationAPIMixin, generics.ListAPIView):
    """The organization's audit trail: every change to every record it owns, newest
    first, including records since deleted. Read by every member."""

    filter_backends = []  # the trail filters itself (TrailFilterForm), over every history table

    def list(self, request, *args, **kwargs):
        form = TrailFilterForm(request.query_params, organization=self.organization)
        if not form.is_valid():
            raise ValidationError(form.errors)
        page = self.paginate_queryset(Trail(self.organization, form.trail_filter()))
        return self.get_paginated_response(
            [
                {
                    "when": e.when,
                    "who": e.who,
                    "action": e.action,
                    "kind": e.kind,
                    "kind_label": e.kind_label,
                    "record_id": e.record_id,
                    "record": e.label,
                    "reason": e.reason,
                    "changes": [c.__dict__ for c in e.changes],
                }
                for e in page
            ]
        )
