"""The asset filters, shared by the inventory page, its export and the API,
so that the same query string means the same thing everywhere."""

import django_filters
from django.db.models import Case, IntegerField, Q, Value, When

from core.fields import tag_normalize

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

#: Orderings that follow the scale, not the alphabet.
_RANKED = {
    "classification": Classification.values,
    "criticality": Criticality.values,
    "lifecycle_status": LifecycleStatus.values,
    "ai_risk_class": list(reversed(AIRiskClass.values)),
}
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


class AssetOrderingFilter(django_filters.OrderingFilter):
    """Sorts on scales by rank (public < … < restricted), owners by name, and
    always ends on the id so that pages never repeat or skip an asset."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            if not param:
                continue
            descending = param.startswith("-")
            name = param.lstrip("-")
            sign = "-" if descending else ""
            if name in _RANKED:
                rank = f"{name}_rank"
                qs = qs.annotate(
                    **{
                        rank: Case(
                            *(When(**{name: v}, then=Value(i)) for i, v in enumerate(_RANKED[name])),
                            default=Value(len(_RANKED[name])),
                            output_field=IntegerField(),
                        )
                    }
                )
                ordering.append(f"{sign}{rank}")
            elif name == "owner":
                ordering += [f"{sign}owner__first_name", f"{sign}owner__last_name", f"{sign}owner__username"]
            else:
                ordering.append(f"{sign}{name}")
        return qs.order_by(*ordering, "name", "id")


class AssetFilter(django_filters.FilterSet):
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
    owner = django_filters.CharFilter(
        method="filter_owner", label="Owner", help_text="The owner's user id, username or email."
    )
    tag = django_filters.CharFilter(
        method="filter_tag",
        label="Tag",
        help_text="Assets carrying this tag (several: comma-separated, all must match).",
    )
    ai_risk_class = django_filters.MultipleChoiceFilter(
        choices=AIRiskClass.choices, label="EU AI Act risk class"
    )
    ai_lifecycle_stage = django_filters.MultipleChoiceFilter(choices=AILifecycleStage.choices)
    ai_role = django_filters.MultipleChoiceFilter(choices=AIRole.choices)
    ai_personal_data = django_filters.MultipleChoiceFilter(choices=PersonalData.choices)
    ordering = AssetOrderingFilter(
        fields=tuple(ORDERING_FIELDS),
        field_labels=ORDERING_FIELDS,
        help_text="A field to sort by, `-` first for descending, e.g. `-criticality`.",
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

    def filter_group(self, queryset, name, value):
        return queryset.of_group(value) if value else queryset

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(owner_id=int(value))
        return queryset.filter(Q(owner__username__iexact=value) | Q(owner__email__iexact=value))

    def filter_tag(self, queryset, name, value):
        for tag in {tag_normalize(t) for t in value.split(",") if t.strip()}:
            queryset = queryset.filter(tags__has=tag)
        return queryset


class AssetRelationFilter(django_filters.FilterSet):
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
