"""The register's filters, shared by the register page, its export, the heat
map links and the API, so that the same query string means the same thing
everywhere."""

import re

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.registers.filters import (
    DateRangeFilter,
    MineFilter,
    OwnerFilter,
    RankedOrderingFilter,
    RecordReferenceFilter,
    RegisterFilterSet,
    record_id,
)

from .models import (
    LEVEL_RANK,
    Category,
    HarmArea,
    ImpactAssessment,
    ImpactItem,
    Level,
    Risk,
    RiskStatus,
    Treatment,
)
from .selectors import controls_by_label, levels_above, methodology_for

OPEN = "open"
STATUS_CHOICES = [(OPEN, "Open (not closed)"), *RiskStatus.choices]
_CELL = re.compile(r"^\s*(\d{1,2})\s*[-x\u00d7,:]\s*(\d{1,2})\s*$")
_REFERENCE = re.compile(r"^\s*R-?(\d+)\s*$", re.I)

ORDERING_FIELDS = {
    "reference": "Reference",
    "title": "Title",
    "category": "Category",
    "owner": "Owner",
    "inherent_score": "Inherent score",
    "residual_score": "Residual score",
    "level": "Level",
    "status": "Status",
    "treatment": "Treatment",
    "next_review_date": "Next review",
    "updated_at": "Last changed",
    "created_at": "Recorded",
}
_LEVELS_LOWEST_FIRST = sorted(LEVEL_RANK, key=LEVEL_RANK.get)


class RiskFilter(RegisterFilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        help_text="Words in the reference, title, description, threat or vulnerability.",
    )
    category = django_filters.MultipleChoiceFilter(
        choices=Category.choices,
        method="filter_category",
        help_text="`ai` also finds risks of category `both`; so does `information_security`.",
    )
    level = django_filters.MultipleChoiceFilter(
        choices=Level.choices, help_text="The current level: residual when rated, else inherent."
    )
    inherent_level = django_filters.MultipleChoiceFilter(choices=Level.choices)
    residual_level = django_filters.MultipleChoiceFilter(choices=Level.choices)
    status = django_filters.MultipleChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", help_text="`open`: every status but closed."
    )
    treatment = django_filters.MultipleChoiceFilter(choices=Treatment.choices, label="Treatment decision")
    ai_harm_area = django_filters.MultipleChoiceFilter(choices=HarmArea.choices, label="AI harm area")
    owner = OwnerFilter()
    mine = MineFilter(help_text="true: only the risks you own; false: those you do not.")
    asset = RecordReferenceFilter(
        method="filter_asset", label="Asset", help_text="Risks affecting this asset (id or identifier)."
    )
    control = RecordReferenceFilter(
        method="filter_control",
        label="Control",
        help_text="Risks treated with this control: id, or e.g. `ISO27001:8.28`, `ISO42001:A.6.2.8`.",
    )
    assessment = django_filters.NumberFilter(
        method="filter_assessment",
        label="Impact assessment",
        help_text="An impact assessment's id: the risks raised from its impacts.",
    )
    review_overdue = django_filters.BooleanFilter(
        method="filter_review_overdue",
        label="Review overdue",
        help_text="true: open risks whose next review date has passed.",
    )
    review_due_before = django_filters.DateFilter(
        field_name="next_review_date",
        lookup_expr="lte",
        label="Review due by",
        help_text="Risks whose next review falls on or before this date.",
    )
    above_appetite = django_filters.BooleanFilter(
        method="filter_above_appetite",
        label="Above appetite",
        help_text="true: the current level is above the organization's risk appetite.",
    )
    accepted = django_filters.BooleanFilter(
        field_name="accepted_at", lookup_expr="isnull", exclude=True, label="Accepted"
    )
    inherent_cell = django_filters.CharFilter(
        method="filter_inherent_cell",
        label="Inherent cell",
        help_text="`likelihood-impact`, e.g. `3-4`: risks rated there before treatment.",
    )
    residual_cell = django_filters.CharFilter(
        method="filter_residual_cell",
        label="Residual cell",
        help_text="`likelihood-impact`: risks rated there after treatment (or before, if not re-rated).",
    )
    updated = DateRangeFilter(
        field_name="updated_at",
        datetime=True,
        label="Last changed",
        help_text="`updated_after` / `updated_before` (YYYY-MM-DD, both days included).",
    )
    ordering = RankedOrderingFilter(
        fields=tuple(ORDERING_FIELDS),
        field_labels=ORDERING_FIELDS,
        help_text="A field to sort by, `-` first for descending, e.g. `-level`.",
        # Levels and statuses by rank; a level's ties by score; risks not yet rated after
        # treatment last either way; always ending on the reference.
        ranks={"level": _LEVELS_LOWEST_FIRST, "status": RiskStatus.values},
        then={"level": ("score",)},
        sources={"reference": "number"},
        nulls_last=("residual_score",),
        tiebreak=("number",),
    )

    class Meta:
        model = Risk
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = (
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(threat__icontains=value)
            | Q(vulnerability__icontains=value)
        )
        if match := _REFERENCE.match(value):
            query |= Q(number=int(match.group(1)))
        return queryset.filter(query)

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        wanted = set(value)
        if wanted & {Category.AI, Category.INFORMATION_SECURITY}:
            wanted.add(Category.BOTH)
        return queryset.filter(category__in=sorted(wanted))

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        if OPEN in value:
            wanted = {s for s in value if s != OPEN}
            return queryset.filter(~Q(status=RiskStatus.CLOSED) | Q(status__in=sorted(wanted)))
        return queryset.filter(status__in=value)

    def filter_asset(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if (asset_id := record_id(value)) is not None:
            return queryset.filter(asset_links__asset_id=asset_id)
        return queryset.filter(asset_links__asset__identifier__iexact=value)

    def filter_control(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if (control_id := record_id(value)) is not None:
            return queryset.filter(control_links__control_id=control_id)
        found, _ = controls_by_label([value])
        if not found:
            return queryset.none()
        return queryset.filter(control_links__control=found[value])

    def filter_assessment(self, queryset, name, value):
        if value is None:
            return queryset
        raised = ImpactItem.objects.filter(assessment_id=value, risk_id__isnull=False)
        return queryset.filter(pk__in=raised.values("risk_id"))

    def filter_review_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(next_review_date__lt=timezone.localdate()) & ~Q(status=RiskStatus.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_above_appetite(self, queryset, name, value):
        if value is None or self.organization is None:
            return queryset
        above = levels_above(methodology_for(self.organization))
        return queryset.filter(level__in=above) if value else queryset.exclude(level__in=above)

    def filter_inherent_cell(self, queryset, name, value):
        cell = _cell(value)
        if cell is None:
            return queryset.none() if value.strip() else queryset
        return queryset.filter(inherent_likelihood=cell[0], inherent_impact=cell[1])

    def filter_residual_cell(self, queryset, name, value):
        cell = _cell(value)
        if cell is None:
            return queryset.none() if value.strip() else queryset
        likelihood, impact = cell
        return queryset.filter(
            Q(residual_likelihood=likelihood, residual_impact=impact)
            | Q(residual_likelihood__isnull=True, inherent_likelihood=likelihood, inherent_impact=impact)
        )


def _cell(value: str) -> tuple[int, int] | None:
    match = _CELL.match(value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def cell_of(value: str) -> tuple[int, int] | None:
    """``(likelihood, impact)`` from a cell filter value such as ``3-4``."""
    return _cell(value)


class ImpactAssessmentFilter(django_filters.FilterSet):
    ai_system = django_filters.NumberFilter(field_name="ai_system_id", help_text="The AI system's asset id.")
    status = django_filters.MultipleChoiceFilter(choices=ImpactAssessment._meta.get_field("status").choices)
    latest = django_filters.BooleanFilter(
        method="filter_latest", help_text="true: only the latest version of each AI system's assessment."
    )

    class Meta:
        model = ImpactAssessment
        fields = []

    def filter_latest(self, queryset, name, value):
        if value is None:
            return queryset
        later = ImpactAssessment.objects.filter(
            ai_system=OuterRef("ai_system"), version__gt=OuterRef("version")
        )
        return queryset.filter(~Exists(later)) if value else queryset.filter(Exists(later))
