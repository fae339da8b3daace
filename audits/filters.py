"""The audit programme's filters (on the register toolkit), so that the same query
string means the same thing on the API, the list pages and their exports."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from core.registers.filters import DateRangeFilter, OwnerFilter, RankedOrderingFilter, RegisterFilterSet

from .models import (
    PENDING_ACTION_STATUSES,
    ActionStatus,
    AuditStatus,
    AuditTeamMember,
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
    asset = django_filters.NumberFilter(
        field_name="assets", label="Asset", help_text="An asset's id: the audits whose scope names it."
    )
    auditor = django_filters.NumberFilter(
        method="filter_auditor",
        label="Auditor",
        help_text="A user id: the audits they lead or are on the team of.",
    )
    ordering = RankedOrderingFilter(
        fields=["planned_start", "number", "status", "type", "lead_auditor"],
        ranks={"status": AuditStatus.values},
        people=("lead_auditor",),
        tiebreak=("-number",),
    )

    def filter_auditor(self, qs, name, value):
        if value is None:
            return qs
        on_team = AuditTeamMember.objects.filter(user_id=value).values("audit_id")
        return qs.filter(Q(lead_auditor_id=value) | Q(pk__in=on_team))


class ChecklistItemFilter(RegisterFilterSet):
    audit = django_filters.NumberFilter(field_name="audit_id")
    result = django_filters.MultipleChoiceFilter(choices=[("", "Not recorded"), *Result.choices])
    kind = django_filters.ChoiceFilter(
        choices=[("clause", "Clauses"), ("control", "Controls")], method="filter_kind", label="Kind"
    )
    recorded = django_filters.BooleanFilter(
        method="filter_recorded", label="Recorded", help_text="false: the items without a result yet."
    )

    def filter_recorded(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(result="") if value else qs.filter(result="")

    def filter_kind(self, qs, name, value):
        return qs.filter(clause__isnull=False) if value == "clause" else qs.filter(control__isnull=False)


class FindingFilter(RegisterFilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    audit = django_filters.NumberFilter(field_name="audit_id")
    control = django_filters.NumberFilter(
        field_name="checklist_item__control_id", help_text="A control's id: the findings on it."
    )
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices)
    ordering = RankedOrderingFilter(
        fields=["number", "severity", "status", "audit"],
        ranks={"severity": list(reversed(Severity.values))},
        sources={"audit": "audit__number"},
        tiebreak=("number",),
    )

    def filter_search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        number = value.upper().removeprefix("F-")
        match = Q(description__icontains=value)
        if number.isdigit():
            match |= Q(number=int(number))
        return qs.filter(match)


class CorrectiveActionFilter(RegisterFilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    source = django_filters.ChoiceFilter(
        choices=[("finding", "Findings"), ("review", "Management reviews")],
        method="filter_source",
        label="From",
    )
    finding = django_filters.NumberFilter(field_name="finding_id")
    audit = django_filters.NumberFilter(
        field_name="finding__audit_id", help_text="An audit's id: the actions on its findings."
    )
    review = django_filters.NumberFilter(field_name="review_id")
    owner = OwnerFilter()
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    due_date = DateRangeFilter()

    class Meta:
        model = CorrectiveAction
        fields = []

    ordering = RankedOrderingFilter(
        fields=["number", "due_date", "status", "owner"],
        ranks={"status": ActionStatus.values},
        tiebreak=("number",),
    )

    def filter_search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        number = value.upper().removeprefix("CA-")
        match = Q(action__icontains=value) | Q(root_cause__icontains=value)
        if number.isdigit():
            match |= Q(number=int(number))
        return qs.filter(match)

    def filter_source(self, qs, name, value):
        if value == "finding":
            return qs.filter(finding__isnull=False)
        if value == "review":
            return qs.filter(review__isnull=False)
        return qs

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = {"status__in": PENDING_ACTION_STATUSES, "due_date__lt": timezone.localdate()}
        return qs.filter(**overdue) if value else qs.exclude(**overdue)


class ManagementReviewFilter(RegisterFilterSet):
    date = DateRangeFilter()
