"""``/api/v1/organizations/{organization_slug}/assets/`` and ``…/asset-relations/``.

Assets: CRUD, the page's filters, ``…/{id}/history/`` and ``POST …/bulk/``
(all or nothing) for CMDB and model-registry sync. Relations are read on each
asset (``relations``, both directions) and written through
``asset-relations/`` (create, delete) or inside bulk items.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.api.lists import ValuesListMixin
from core.api.viewsets import DESTROY_RESPONSES, ORGANIZATION_SLUG_PARAMETER, WhereUsedActionMixin
from core.registers.bulk import BulkError
from core.registers.filters import RegisterFilterBackend
from core.registers.serializers import (
    BulkErrorResponseSerializer,
    bulk_error_response,
    serializer_error_rows,
)
from organizations.scoping import OrganizationRecordViewSet

from . import selectors, services
from .filters import AssetFilter, AssetRelationFilter
from .models import Asset, AssetRelation
from .serializers import (
    ASSET_LIST_VALUES,
    AssetBulkItemSerializer,
    AssetRelationSerializer,
    AssetSerializer,
    asset_list_linked,
    asset_list_rows,
)

BULK_API_MAX_ITEMS = 1000

_SCOPED = extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER])


@extend_schema_view(
    list=_SCOPED,
    create=_SCOPED,
    retrieve=_SCOPED,
    update=_SCOPED,
    partial_update=_SCOPED,
    destroy=extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER], responses=DESTROY_RESPONSES),
    history=_SCOPED,
)
@extend_schema(tags=["assets"])
class AssetViewSet(ValuesListMixin, WhereUsedActionMixin, OrganizationRecordViewSet):
    """The organization's information and AI assets.

    Filter with the same parameters as the inventory page (`kind`, `group`,
    `classification`, `criticality`, `owner`, `ai_risk_class`,
    `lifecycle_status`, `tag`, …), search with `search`, sort with `ordering`.
    Contributors create assets they own and change only those; officers and
    administrators change all. `…/{id}/where-used/` lists the risks, impact
    assessments, linked assets and audits that use an asset.
    """

    queryset = Asset.objects.all()
    serializer_class = AssetSerializer
    filter_backends = [RegisterFilterBackend]
    filterset_class = AssetFilter
    list_values = ASSET_LIST_VALUES

    def list_linked(self):
        return asset_list_linked()

    def list_rows(self, values):
        return asset_list_rows(values)

    def get_base_queryset(self):
        if self.action == "list":
            return Asset.objects.all()  # the page's .values() reads none of the prefetches below
        return selectors.assets_with_relations(Asset.objects.select_related("owner", "custodian"))

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.query_params.get("ordering"):
            queryset = queryset.order_by("name", "id")
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.asset_create(
            organization=self.organization, actor=self.request.user, values=_values(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.asset_update(
            asset=serializer.instance, actor=self.request.user, values=_values(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.asset_delete(asset=instance, actor=self.request.user)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=AssetBulkItemSerializer(many=True),
        responses={
            201: AssetSerializer(many=True),
            400: OpenApiResponse(BulkErrorResponseSerializer, description="Nothing was created."),
        },
        summary="Create many assets at once, all or nothing",
    )
    @action(
        detail=False, methods=["post"], filter_backends=[], pagination_class=None, parser_classes=[JSONParser]
    )
    def bulk(self, request, *args, **kwargs):
        """Create up to 1,000 assets (and their relations) in one request, or none.

        Each item is an asset as for a single create, plus an optional
        `relations` list of `{type, target}` where `target` is the identifier
        of another item of the request or of an existing asset. A bad item
        fails the whole request: the 400 lists every problem with the item's
        index and the field.
        """
        try:
            items = request.data
        except ParseError as exc:  # the answer keeps its documented shape, the reason in `errors`
            return bulk_error_response([{"index": None, "field": "item", "message": str(exc.detail)}], 0)
        if not isinstance(items, list):
            return bulk_error_response(
                [{"index": None, "field": "item", "message": "Send a JSON list of assets."}], 0
            )
        if len(items) > BULK_API_MAX_ITEMS:
            message = f"At most {BULK_API_MAX_ITEMS} assets per request; send several requests."
            return bulk_error_response([{"index": None, "field": "item", "message": message}], len(items))
        context = self.get_serializer_context()
        drafts, positions, errors, unreadable = [], [], [], set()
        for index, item in enumerate(items):
            serializer = AssetBulkItemSerializer(data=item, context=context)
            if serializer.is_valid():
                data = dict(serializer.validated_data)
                relations = [(r["type"], r["target"]) for r in data.pop("relations", [])]
                drafts.append(services.AssetDraft(values=_values(data), relations=relations))
                positions.append(index)
            else:
                errors += serializer_error_rows(index, serializer.errors)
                if isinstance(item, dict) and isinstance(item.get("identifier"), str):
                    unreadable.add(item["identifier"].strip().lower())
        # The items that did parse are checked as a batch too, so that one answer lists every problem.
        plan = services.asset_bulk_validate(organization=self.organization, actor=request.user, drafts=drafts)
        for error in plan.error_rows(positions):
            message = error["message"].lower()
            if error["field"] == "relations" and any(f"“{i}”" in message for i in unreadable):
                continue  # points at an item already reported as invalid
            errors.append(error)
        if errors:
            return bulk_error_response(sorted(errors, key=lambda e: e["index"]), len(items))
        try:
            assets = services.asset_bulk_create(
                organization=self.organization,
                actor=request.user,
                drafts=drafts,
                reason="Created through the API",
            )
        except BulkError as exc:
            return bulk_error_response(exc.plan.error_rows(positions), len(items))
        created = selectors.assets_with_relations(selectors.assets_for(self.organization)).filter(
            pk__in=[a.pk for a in assets]
        )
        by_pk = {a.pk: a for a in created}
        data = AssetSerializer([by_pk[a.pk] for a in assets], many=True, context=context).data
        return Response(data, status=status.HTTP_201_CREATED)


def _values(validated: dict) -> dict:
    return {k: v for k, v in validated.items() if k not in {"relations", "group", "owner_name"}}


@extend_schema_view(
    list=_SCOPED,
    create=_SCOPED,
    retrieve=_SCOPED,
    destroy=_SCOPED,
    history=_SCOPED,
)
@extend_schema(tags=["assets"])
class AssetRelationViewSet(OrganizationRecordViewSet):
    """Typed links between two assets of the organization, read "source <type> target".

    Create with the two asset ids and a type; delete to unlink. Whoever may
    change the source asset may link and unlink it. Filter with `asset` (either
    end), `source`, `target` and `type`.
    """

    queryset = AssetRelation.objects.all()
    serializer_class = AssetRelationSerializer
    filter_backends = [RegisterFilterBackend]
    filterset_class = AssetRelationFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_base_queryset(self):
        return AssetRelation.objects.select_related("source", "target").order_by("id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.asset_relation_create(
            organization=self.organization,
            actor=self.request.user,
            source=data["source"],
            target=data["target"],
            type=data["type"],
            note=data.get("note", ""),
        )

    def perform_destroy(self, instance):
        services.asset_relation_delete(relation=instance, actor=self.request.user)
