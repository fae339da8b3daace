"""Read-only catalogue resources; global, the same for every organization."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from core.api.viewsets import WhereUsedActionMixin
from organizations.scoping import OrganizationAPIMixin

from .models import Clause, ClauseMapping, Control, Framework, Mapping, Relation


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["code", "name", "short_name", "edition", "publisher", "description"]


class ControlRefSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Control
        fields = ["id", "framework", "reference", "title"]


class ControlSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    theme = serializers.CharField(
        source="group.reference", read_only=True, help_text="Theme or objective reference."
    )
    theme_title = serializers.CharField(source="group.title", read_only=True)
    ai_specific = serializers.SerializerMethodField(help_text="No counterpart in the other framework.")

    class Meta:
        model = Control
        fields = [
            "id",
            "framework",
            "reference",
            "title",
            "description",
            "theme",
            "theme_title",
            "ai_specific",
            "no_counterpart_reason",
        ]

    def get_ai_specific(self, control) -> bool:
        return bool(control.no_counterpart_reason)


class ClauseSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The parent clause's reference; null for a top clause.",
    )

    class Meta:
        model = Clause
        fields = ["id", "framework", "reference", "title", "description", "parent"]


class MappingSerializer(serializers.ModelSerializer):
    source = ControlRefSerializer(read_only=True)
    target = ControlRefSerializer(read_only=True)

    class Meta:
        model = Mapping
        fields = ["id", "source", "target", "relation", "rationale"]


class ClauseMappingSerializer(serializers.ModelSerializer):
    source = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()

    class Meta:
        model = ClauseMapping
        fields = ["id", "source", "target", "relation", "rationale"]

    def get_source(self, link) -> str:
        return f"{link.source.framework.code}:{link.source.reference}"

    def get_target(self, link) -> str:
        return f"{link.target.framework.code}:{link.target.reference}"


class ControlFilter(filters.FilterSet):
    framework = filters.CharFilter(
        field_name="framework__code", help_text="Framework code, e.g. iso27001-2022."
    )
    theme = filters.CharFilter(field_name="group__reference", help_text="Theme or objective, e.g. 8 or A.6.")
    reference = filters.CharFilter(field_name="reference")
    ai_specific = filters.BooleanFilter(method="filter_ai_specific")

    class Meta:
        model = Control
        fields = ["framework", "theme", "reference", "ai_specific"]

    def filter_ai_specific(self, queryset, name, value):
        return (
            queryset.exclude(no_counterpart_reason="") if value else queryset.filter(no_counterpart_reason="")
        )


class ClauseFilter(filters.FilterSet):
    framework = filters.CharFilter(field_name="framework__code")
    parent = filters.CharFilter(field_name="parent__reference")

    class Meta:
        model = Clause
        fields = ["framework", "parent"]


class MappingFilter(filters.FilterSet):
    source_framework = filters.CharFilter(field_name="source__framework__code")
    target_framework = filters.CharFilter(field_name="target__framework__code")
    source = filters.CharFilter(field_name="source__reference", help_text="Reference of the source control.")
    target = filters.CharFilter(field_name="target__reference", help_text="Reference of the target control.")
    control = filters.CharFilter(method="filter_control", help_text="Reference of a control on either side.")
    relation = filters.ChoiceFilter(choices=Relation.choices)

    class Meta:
        model = Mapping
        fields = ["source_framework", "target_framework", "source", "target", "control", "relation"]

    def filter_control(self, queryset, name, value):
        return queryset.filter(source__reference=value) | queryset.filter(target__reference=value)


@extend_schema(tags=["catalogue"])
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """The standards the portal ships, one row per edition."""

    queryset = Framework.objects.all()
    serializer_class = FrameworkSerializer
    lookup_field = "code"
    search_fields = ["code", "name"]
    ordering_fields = ["order", "code"]
    ordering = ["order"]


@extend_schema(tags=["catalogue"])
class ControlViewSet(viewsets.ReadOnlyModelViewSet):
    """Annex A controls of every framework; filter by framework, theme, reference; search the text."""

    queryset = Control.objects.select_related("framework", "group")
    serializer_class = ControlSerializer
    filterset_class = ControlFilter
    search_fields = ["reference", "title", "description"]
    ordering_fields = ["order", "reference"]
    ordering = ["framework__order", "order"]


@extend_schema(tags=["catalogue"])
class ClauseViewSet(viewsets.ReadOnlyModelViewSet):
    """Management-system clauses 4-10 of every framework."""

    queryset = Clause.objects.select_related("framework", "parent")
    serializer_class = ClauseSerializer
    filterset_class = ClauseFilter
    search_fields = ["reference", "title", "description"]
    ordering_fields = ["order", "reference"]
    ordering = ["framework__order", "order"]


@extend_schema(tags=["catalogue"])
class MappingViewSet(viewsets.ReadOnlyModelViewSet):
    """The crosswalk: typed, reasoned links from ISO/IEC 42001 controls to ISO/IEC 27001 controls."""

    queryset = Mapping.objects.select_related("source__framework", "target__framework")
    serializer_class = MappingSerializer
    filterset_class = MappingFilter
    search_fields = ["rationale", "source__title", "target__title"]
    ordering_fields = ["source__order", "target__order", "relation"]
    ordering = ["source__order", "target__order"]


@extend_schema(tags=["catalogue"])
class ClauseMappingViewSet(viewsets.ReadOnlyModelViewSet):
    """Links between the two standards' harmonized management-system clauses."""

    queryset = ClauseMapping.objects.select_related("source__framework", "target__framework")
    serializer_class = ClauseMappingSerializer
    filterset_fields = ["relation"]
    ordering = ["source__order"]


@extend_schema(tags=["catalogue"])
class OrganizationControlViewSet(WhereUsedActionMixin, OrganizationAPIMixin, viewsets.GenericViewSet):
    """A catalogue control seen from one organization: `…/controls/{id}/where-used/` lists the
    risks it treats, the organization's SoA decision on it and its crosswalk counterparts'
    decisions. The control is the catalogue's (`/api/v1/controls/{id}/`); the uses are the
    organization's."""

    queryset = Control.objects.select_related("framework", "group")
    serializer_class = ControlSerializer

    def get_queryset(self):
        return self.queryset  # the catalogue is shared; where_used scopes the uses
