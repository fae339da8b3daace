"""The asset filters, shared by the inventory page, its export and the API,
so that the same query string means the same thing everywhere."""

import django_filters
from django.db.models import Q

from core.registers.filters import (
    DateRangeFilter,
    MineFilter,
    OwnerFilter,
    RankedOrderingFilter,
    RegisterFilterSet,
    TagFilter,
)

from .models import (
    AILifecycleStage,
    AIRiskClass,
    AIRole,
    Asset,
    AssetGroup,
    AssetKind,
    AssetRelation,
    Classification,
    Criticality,
    LifecycleStatus,
    PersonalData,
    RelationType,
)

ORDERING_FIELDS = {
    "identifier": "Identifier",
    "name": "Name",
    "kind": "Kind",
    "owner": "Owner",
    "classification": "Classification",
    "criticality": "Criticality",
    "lifecycle_status": "Lifecycle status",
    "ai_risk_class": "EU AI Act risk class",
    "updated_at": "Last changed",
    "created_at": "Registered",
}


class AssetFilter(RegisterFilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        help_text="Words in the identifier, name, description, location or vendor.",
    )
    kind = django_filters.MultipleChoiceFilter(choices=AssetKind.choices, help_text="One or more kinds.")
    group = django_filters.ChoiceFilter(
        choices=AssetGroup.choices,
        method="filter_group",
        label="Group",
        help_text="information: the information kinds; ai: AI systems, models, datasets and AI services.",
    )
    classification = django_filters.MultipleChoiceFilter(choices=Classification.choices)
    criticality = django_filters.MultipleChoiceFilter(choices=Criticality.choices)
    lifecycle_status = django_filters.MultipleChoiceFilter(choices=LifecycleStatus.choices)
    owner = OwnerFilter()
    mine = MineFilter(help_text="true: only the assets you own; false: those you do not.")
    tag = TagFilter(help_text="Assets carrying this tag (several: comma-separated, all must match).")
    updated = DateRangeFilter(
        field_name="updated_at",
        datetime=True,
        label="Last changed",
        help_text="`updated_after` / `updated_before` (YYYY-MM-DD, both days included).",
    )
    ai_risk_class = django_filters.MultipleChoiceFilter(
        choices=AIRiskClass.choices, label="EU AI Act risk class"
    )
    ai_risk_classified = django_filters.BooleanFilter(
        method="filter_ai_risk_classified",
        label="EU AI Act class given",
        help_text="false: AI systems with no EU AI Act risk class yet.",
    )
    impact_signed = django_filters.BooleanFilter(
        method="filter_impact_signed",
        label="Impact assessment signed",
        help_text="true: AI systems with a signed-off impact assessment; false: those without one.",
    )
    ai_lifecycle_stage = django_filters.MultipleChoiceFilter(choices=AILifecycleStage.choices)
    ai_role = django_filters.MultipleChoiceFilter(choices=AIRole.choices)
    ai_personal_data = django_filters.MultipleChoiceFilter(choices=PersonalData.choices)
    ordering = RankedOrderingFilter(
        fields=tuple(ORDERING_FIELDS),
        field_labels=ORDERING_FIELDS,
        help_text="A field to sort by, `-` first for descending, e.g. `-criticality`.",
        # Scales sort by rank (public < … < restricted), not by the alphabet.
        ranks={
            "classification": Classification.values,
            "criticality": Criticality.values,
            "lifecycle_status": LifecycleStatus.values,
            "ai_risk_class": list(reversed(AIRiskClass.values)),
        },
        tiebreak=("name", "id"),
    )

    class Meta:
        model = Asset
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(identifier__icontains=value)
            | Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(location__icontains=value)
            | Q(ai_vendor__icontains=value)
        )

    def filter_ai_risk_classified(self, queryset, name, value):
        if value is None:
            return queryset
        unclassified = Q(kind=AssetKind.AI_SYSTEM, ai_risk_class="")
        return queryset.exclude(unclassified) if value else queryset.filter(unclassified)

    def filter_impact_signed(self, queryset, name, value):
        # Named by the reverse relation: the assessments live in a layer above (risks).
        if value is None:
            return queryset
        signed = Q(impact_assessments__status="signed_off")
        systems = queryset.model.objects.filter(signed).values("pk")
        queryset = queryset.filter(kind=AssetKind.AI_SYSTEM)
        return queryset.filter(pk__in=systems) if value else queryset.exclude(pk__in=systems)

    def filter_group(self, queryset, name, value):
        return queryset.of_group(value) if value else queryset


class AssetRelationFilter(RegisterFilterSet):
    asset = django_filters.NumberFilter(
        method="filter_asset", label="Asset", help_text="Links from or to this asset id."
    )
    source = django_filters.NumberFilter(field_name="source_id", help_text="Links from this asset id.")
    target = django_filters.NumberFilter(field_name="target_id", help_text="Links to this asset id.")
    type = django_filters.MultipleChoiceFilter(choices=RelationType.choices)

    class Meta:
        model = AssetRelation
        fields = []

    def filter_asset(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))
