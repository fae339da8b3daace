"""The SoA's filters, for the API, the SoA page and its exports, so that the same
query string means the same thing everywhere."""

import django_filters
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from drf_spectacular.utils import extend_schema_field

from core.registers.filters import RegisterFilterSet
from risks.models import RiskControl, RiskStatus

from .checks import CHECKS, CHECKS_BY_CODE
from .models import ImplementationStatus, ReasonKind, SoAEntry, SoAReason
from .selectors import entries_filtered_by_problem

#: What ``search`` looks in.
SEARCH_FIELDS = [
    "control__reference",
    "control__title",
    "implementation_notes",
    "exclusion_justification",
    "evidence_location",
]

APPLICABLE_CHOICES = [("true", "Applicable"), ("false", "Not applicable"), ("undecided", "Undecided")]

ORDERING_FIELDS = {
    "reference": "Catalogue order",
    "status": "Implementation status",
    "applicable": "Applicability",
    "owner": "Owner",
    "target_date": "Target date",
    "updated_at": "Last changed",
}


@extend_schema_field({"type": "string", "enum": [value for value, _ in APPLICABLE_CHOICES]})
class ApplicabilityFilter(django_filters.ChoiceFilter):
    """``true``, ``false`` or ``undecided`` — a string, not the model's nullable boolean."""


class SoAOrderingFilter(django_filters.OrderingFilter):
    """Orders by the given fields, always ending in catalogue order (framework, then control)."""

    _columns = {
        "reference": ["control__framework__order", "control__order"],
        "status": ["status_rank"],
        "applicable": ["applicable"],
        "owner": ["owner__first_name", "owner__last_name", "owner__username"],
        "target_date": ["target_date"],
        "updated_at": ["updated_at"],
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fields", {name: name for name in ORDERING_FIELDS})
        kwargs.setdefault("field_labels", ORDERING_FIELDS)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        if any(param.lstrip("-") == "status" for param in value if param):
            # By progress (not started … implemented), not alphabetically.
            qs = qs.annotate(
                status_rank=Case(
                    *(When(status=s, then=Value(i)) for i, s in enumerate(ImplementationStatus.values)),
                    output_field=IntegerField(),
                )
            )
        for param in value:
            if not param:
                continue
            sign = "-" if param.startswith("-") else ""
            ordering += [f"{sign}{column}" for column in self._columns.get(param.lstrip("-"), [])]
        return qs.order_by(*ordering, "control__framework__order", "control__order")


class SoAEntryFilter(RegisterFilterSet):
    framework = django_filters.CharFilter(
        field_name="control__framework__code", help_text="Framework code: iso27001-2022 or iso42001-2023."
    )
    theme = django_filters.CharFilter(
        field_name="control__group__reference", help_text="Theme or objective reference, e.g. 8 or A.6."
    )
    applicable = ApplicabilityFilter(
        choices=APPLICABLE_CHOICES, method="filter_applicable", help_text="true, false or undecided."
    )
    status = django_filters.MultipleChoiceFilter(choices=ImplementationStatus.choices)
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id of the row's owner.")
    reason = django_filters.ChoiceFilter(
        choices=ReasonKind.choices,
        method="filter_reason",
        help_text="Rows with a reason of this kind; risk_treatment: rows whose control treats a risk.",
    )
    risk = django_filters.NumberFilter(
        method="filter_risk", help_text="A risk's id: the rows of the controls that treat it."
    )
    has_problem = django_filters.BooleanFilter(
        method="filter_has_problem",
        help_text="Rows failing (true) or passing (false) the consistency checks: "
        + "; ".join(c.code for c in CHECKS)
        + ".",
    )
    ordering = SoAOrderingFilter(
        help_text="reference, status, applicable, owner, target_date, updated_at; -x descends."
    )

    class Meta:
        model = SoAEntry
        fields = ["framework", "theme", "applicable", "status", "owner", "reason", "risk", "has_problem"]

    def filter_applicable(self, queryset, name, value):
        if value == "undecided":
            return queryset.filter(applicable__isnull=True)
        return queryset.filter(applicable=(value == "true"))

    def filter_reason(self, queryset, name, value):
        if value == ReasonKind.RISK_TREATMENT:
            treating = RiskControl.objects.filter(
                organization_id=OuterRef("organization_id"), control_id=OuterRef("control_id")
            ).exclude(risk__status=RiskStatus.CLOSED)
            return queryset.filter(Exists(treating))
        return queryset.filter(Exists(SoAReason.objects.filter(entry_id=OuterRef("pk"), kind=value)))

    def filter_risk(self, queryset, name, value):
        if value is None:
            return queryset
        # The link's organization, not only the risk id: another organization's risk names no row.
        treating = RiskControl.objects.filter(
            organization_id=OuterRef("organization_id"), control_id=OuterRef("control_id"), risk_id=value
        )
        return queryset.filter(Exists(treating))

    def filter_has_problem(self, queryset, name, value):
        if value is None:
            return queryset
        return entries_filtered_by_problem(queryset, value)


class SoAPageFilter(SoAEntryFilter):
    """The SoA page and its exports: the API's filters, plus ``search`` (the API has
    DRF's search instead) and ``problem``, one consistency check by its code (the
    summary card links to the rows failing each)."""

    search = django_filters.CharFilter(method="filter_search", label="Search")
    problem = django_filters.ChoiceFilter(
        choices=[(c.code, c.title) for c in CHECKS], method="filter_problem", label="Problem"
    )

    class Meta(SoAEntryFilter.Meta):
        fields = [*SoAEntryFilter.Meta.fields, "search", "problem"]

    def filter_search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        condition = Q()
        for field_name in SEARCH_FIELDS:
            condition |= Q(**{f"{field_name}__icontains": value})
        return queryset.filter(condition)

    def filter_problem(self, queryset, name, value):
        return queryset.filter(CHECKS_BY_CODE[value].condition) if value in CHECKS_BY_CODE else queryset
