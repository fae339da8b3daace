"""Reads of the overview dashboard that gather several domain apps: each figure is a count
of exactly what the list it links to shows (tests/portal/test_overview.py holds them to it)."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from assets.models import AIRiskClass
from audits.models import NONCONFORMITIES, Audit, AuditStatus, Finding, FindingStatus
from audits.selectors import overdue_corrective_actions_for
from organizations.models import Organization
from risks.models import AssessmentStatus, Risk, RiskStatus
from risks.selectors import ai_systems_for, levels_above, risks_for

#: How many of the risks above appetite the overview lists by name.
TOP_RISKS = 5


@dataclass
class AIClassCount:
    value: str  # an AIRiskClass value; "" for the systems not classified yet
    label: str
    count: int


@dataclass
class AISystemsSummary:
    total: int
    unsigned: int  # without a signed-off impact assessment
    by_class: list[AIClassCount] = field(default_factory=list)


def ai_systems_summary(organization: Organization) -> AISystemsSummary:
    """The organization's AI systems by EU AI Act risk class, and how many have no
    signed-off impact assessment, in one query."""
    signed = Q(impact_assessments__status=AssessmentStatus.SIGNED_OFF)
    signed_systems = ai_systems_for(organization).filter(signed).values("pk")
    counts = (
        ai_systems_for(organization)
        .order_by()
        .aggregate(
            total=Count("id"),
            unsigned=Count("id", filter=~Q(pk__in=signed_systems)),
            none=Count("id", filter=Q(ai_risk_class="")),
            **{f"class_{value}": Count("id", filter=Q(ai_risk_class=value)) for value in AIRiskClass.values},
        )
    )
    by_class = [
        AIClassCount(value=value, label=label, count=counts[f"class_{value}"])
        for value, label in AIRiskClass.choices
    ]
    by_class.append(AIClassCount(value="", label="Not classified yet", count=counts["none"]))
    return AISystemsSummary(total=counts["total"], unsigned=counts["unsigned"], by_class=by_class)


def top_risks_above_appetite(
    organization: Organization, methodology, *, limit: int = TOP_RISKS
) -> list[Risk]:
    """The open risks above the organization's appetite, highest current score first."""
    return list(
        risks_for(organization)
        .filter(level__in=levels_above(methodology))
        .exclude(status=RiskStatus.CLOSED)
        .order_by("-score", "next_review_date", "number")[:limit]
    )


@dataclass
class AuditSummary:
    open_audits: int
    open_nonconformities: int
    overdue_corrective_actions: int


def count_of(queryset: QuerySet) -> Coalesce:
    """A subquery counting ``queryset``'s rows, to annotate on one organization row: several
    counts of different tables then cost one query (the dashboard, the navigation's badges)."""
    ids = queryset.order_by().values("pk")
    return Coalesce(
        Subquery(
            queryset.model._base_manager.filter(pk__in=ids)
            .order_by()
            .annotate(_one=Value(1))
            .values("_one")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def counts_of(organization: Organization, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """``{name: count}`` of each queryset, in one query."""
    annotations = {name: count_of(queryset) for name, queryset in querysets.items()}
    row = Organization.objects.filter(pk=organization.pk).annotate(**annotations).values(*annotations).first()
    return row or dict.fromkeys(querysets, 0)


def audit_summary(organization: Organization) -> AuditSummary:
    """Audits not closed, nonconformities not closed and corrective actions past due (one query)."""
    counts = counts_of(
        organization,
        {
            "open_audits": Audit.objects.for_organization(organization).exclude(status=AuditStatus.CLOSED),
            "open_nonconformities": Finding.objects.for_organization(organization).filter(
                severity__in=NONCONFORMITIES, status=FindingStatus.OPEN
            ),
            "overdue_corrective_actions": overdue_corrective_actions_for(organization),
        },
    )
    return AuditSummary(**counts)
