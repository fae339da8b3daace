"""The audit programme's filters (on the register toolkit), so that the same query
string means the same thing on the API, the list pages and their exports."""

import django_filters
from django.utils import timezone

from core.registers.filters import DateRangeFilter, OwnerFilter, RankedOrderingFilter, RegisterFilterSet

from .models import (
    PENDING_ACTION_STATUSES,
    ActionStatus,
    AuditStatus,
    AuditType,
    CorrectiveAction,
    FindingStatus,
    Result,
    Severity,
)

#: ``scope=combined``: audits of more than one standard.
COMBINED = "combined"


class ScopeFilter(django_filters.CharFilter):
    """``scope=<framework code>``: audits covering that standard; ``scope=combined``: of several."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if value == COMBINED:
            # The codes are slugs: a stored list holds a comma only when it has two or more.
            return qs.filter(frameworks__icontains=",")
        return qs.filter(frameworks__icontains=f'"{value}"')


class AuditFilter(RegisterFilterSet):
    type = django_filters.MultipleChoiceFilter(choices=AuditType.choices)
    status = django_filters.MultipleChoiceFilter(choices=AuditStatus.choices)
    scope = ScopeFilter(help_text="A framework code (audits covering it) or `combined`.")
    lead = OwnerFilter(
        field_name="lead_auditor", label="Lead auditor", help_text="User id, username or email."
    )
    planned_start = DateRangeFilter()
    ordering = RankedOrderingFilter(
        fields=["planned_start", "number", "status", "type", "lead_auditor"],
        ranks={"status": AuditStatus.values},
        people=("lead_auditor",),
        tiebreak=("-number",),
    )


class ChecklistItemFilter(RegisterFilterSet):
    audit = django_filters.NumberFilter(field_name="audit_id")
    result = django_filters.MultipleChoiceFilter(choices=[("", "Not recorded"), *Result.choices])
    kind = django_filters.ChoiceFilter(
        choices=[("clause", "Clauses"), ("control", "Controls")], method="filter_kind", label="Kind"
    )

    def filter_kind(self, qs, name, value):
        return qs.filter(clause__isnull=False) if value == "clause" else qs.filter(control__isnull=False)


class FindingFilter(RegisterFilterSet):
    audit = django_filters.NumberFilter(field_name="audit_id")
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices)


class CorrectiveActionFilter(RegisterFilterSet):
    finding = django_filters.NumberFilter(field_name="finding_id")
    review = django_filters.NumberFilter(field_name="review_id")
    owner = OwnerFilter()
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    due_date = DateRangeFilter()

    class Meta:
        model = CorrectiveAction
        fields = []

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = {"status__in": PENDING_ACTION_STATUSES, "due_date__lt": timezone.localdate()}
        return qs.filter(**overdue) if value else qs.exclude(**overdue)
