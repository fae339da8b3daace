"""Reads of the audit programme, shaped so that a list page, an export, the API
and the audit pack use the same querysets (each in a fixed number of queries)."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from controls.models import ControlGroup, Framework
from organizations.models import Organization
from risks.models import AssessmentStatus, ImpactAssessment, Level, Risk, RiskStatus
from soa.models import ImplementationStatus, SoAEntry, SoAVersion, SoAVersionRow

from .models import (
    NONCONFORMITIES,
    PENDING_ACTION_STATUSES,
    Audit,
    AuditStatus,
    AuditTeamMember,
    ChecklistItem,
    CorrectiveAction,
    EvidenceFile,
    Finding,
    FindingStatus,
    ManagementReview,
    Result,
    Verification,
)


def _get(queryset: QuerySet, pk, what: str):
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}") from None


# --- Audits ---------------------------------------------------------------------------------


def audits_for(organization: Organization) -> QuerySet[Audit]:
    """The organization's audits with their lead, team, scope and item counts."""
    return (
        Audit.objects.for_organization(organization)
        .select_related("lead_auditor", "soa_version")
        .prefetch_related(
            Prefetch("team_members", queryset=AuditTeamMember.objects.select_related("user")),
            "themes__framework",
            "assets",
        )
        .annotate(
            item_count=Count("items", distinct=True),
            recorded_count=Count("items", filter=~Q(items__result=""), distinct=True),
            finding_count=Count("findings", distinct=True),
        )
        .order_by("-planned_start", "-number")
    )


def audit_get(*, organization: Organization, audit_id) -> Audit:
    return _get(audits_for(organization), audit_id, "audit")


def audit_team_ids(audit: Audit) -> set[int]:
    """The users assigned to the audit: its lead auditor and its team."""
    team = {m.user_id for m in audit.team_members.all()}
    return team | {audit.lead_auditor_id}


def frameworks_in_scope(audit: Audit) -> list[Framework]:
    """The audit's frameworks in catalogue order."""
    return list(Framework.objects.filter(code__in=audit.frameworks).order_by("order", "code"))


# --- Checklist ------------------------------------------------------------------------------


def _items(queryset: QuerySet[ChecklistItem]) -> QuerySet[ChecklistItem]:
    return queryset.select_related(
        "audit",
        "clause__framework",
        "counterpart_clause__framework",
        "control__framework",
        "soa_row",
        "recorded_by",
    ).prefetch_related(Prefetch("evidence_files", queryset=EvidenceFile.objects.order_by("id")))


def checklist_items_for(organization: Organization) -> QuerySet[ChecklistItem]:
    return _items(ChecklistItem.objects.for_organization(organization)).order_by("audit_id", "position")


def checklist_of(audit: Audit) -> QuerySet[ChecklistItem]:
    """The audit's checklist in order: clauses 4-10, then the controls."""
    return _items(ChecklistItem.objects.filter(audit=audit)).order_by("position")


def checklist_item_get(*, organization: Organization, item_id) -> ChecklistItem:
    return _get(checklist_items_for(organization), item_id, "checklist item")


def checklist_page_items(audit: Audit) -> QuerySet[ChecklistItem]:
    """The checklist as its page shows it: with each control's theme, and the item's findings."""
    return (
        checklist_of(audit)
        .select_related("control__group__framework")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("number")))
    )


def evidence_file_get(*, organization: Organization, evidence_id) -> EvidenceFile:
    return _get(
        EvidenceFile.objects.for_organization(organization).select_related("item__audit"),
        evidence_id,
        "evidence file",
    )


def audit_scope_themes() -> QuerySet[ControlGroup]:
    """The Annex A themes and objectives an audit can be limited to (a small set)."""
    return ControlGroup.objects.select_related("framework").order_by("framework__order", "order")


def checklist_results(audit: Audit) -> dict[str, int]:
    """How many items have each result (``""``: not recorded yet)."""
    rows = ChecklistItem.objects.filter(audit=audit).order_by().values("result").annotate(n=Count("id"))
    counts = dict.fromkeys(["", *Result.values], 0)
    counts.update({row["result"]: row["n"] for row in rows})
    return counts


# --- Findings and corrective actions ----------------------------------------------------------


def findings_for(organization: Organization) -> QuerySet[Finding]:
    return (
        Finding.objects.for_organization(organization)
        .select_related(
            "audit",
            "checklist_item__clause__framework",
            "checklist_item__counterpart_clause__framework",
            "checklist_item__control__framework",
            "closed_by",
        )
        .prefetch_related(Prefetch("actions", queryset=CorrectiveAction.objects.order_by("number")))
        .order_by("-audit__number", "number")
    )


def finding_get(*, organization: Organization, finding_id) -> Finding:
    return _get(findings_for(organization), finding_id, "finding")


def corrective_actions_for(organization: Organization) -> QuerySet[CorrectiveAction]:
    return (
        CorrectiveAction.objects.for_organization(organization)
        .select_related("finding__audit", "review", "owner", "verified_by")
        .order_by("due_date", "number")
    )


def corrective_action_get(*, organization: Organization, action_id) -> CorrectiveAction:
    return _get(corrective_actions_for(organization), action_id, "corrective action")


def overdue_corrective_actions_for(organization: Organization, *, owner=None) -> QuerySet[CorrectiveAction]:
    """Pending corrective and review actions past their due date, most overdue first
    (for the overview's count and a member's "my work" with ``owner=``)."""
    actions = corrective_actions_for(organization).filter(
        status__in=PENDING_ACTION_STATUSES, due_date__lt=timezone.localdate()
    )
    if owner is not None:
        actions = actions.filter(owner=owner)
    return actions.order_by("due_date", "number")


# --- Management reviews -----------------------------------------------------------------------


def management_reviews_for(organization: Organization) -> QuerySet[ManagementReview]:
    return (
        ManagementReview.objects.for_organization(organization)
        .prefetch_related(Prefetch("actions", queryset=CorrectiveAction.objects.order_by("number")))
        .order_by("-date", "-number")
    )


def management_review_get(*, organization: Organization, review_id) -> ManagementReview:
    return _get(management_reviews_for(organization), review_id, "management review")


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the current time zone: "as of" a day includes all of it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def as_they_stood(model, organization: Organization, end: datetime.datetime) -> QuerySet:
    """The organization's ``model`` records as they stood just before ``end``: for each, its
    last history row written before then, unless that row is its deletion. The rows have the
    model's fields (status, level, dates), so counts "as of" a day read what was true that day,
    not what is true now."""
    return (
        model.history.filter(organization_id=organization.pk, history_date__lt=end)
        .latest_of_each()
        .exclude(history_type="-")
        .order_by()
    )


def management_review_inputs(organization: Organization, *, as_of: datetime.date, review_id=None) -> dict:
    """The inputs 9.3.2 asks for, from the organization's own data as of ``as_of``:
    every record as it stood at the end of that day, read from its history
    (``as_they_stood``), so that a review recorded late or re-dated says what was
    true on its date.

    - ``previous_actions``: the actions of earlier reviews, by status, with how
      many are verified effective and how many are overdue on that day;
    - ``audits``: audits closed since the previous review (or ever, for the
      first) up to that day, each with its results;
    - ``nonconformities``: findings raised by then, open and closed, by severity;
    - ``risks``: the open risks by level, accepted and overdue for review;
    - ``impact_assessments``: AI system impact assessments, signed off or not;
    - ``soa``: the latest version approved by then, and the working rows (``live_*``,
      the rows being edited, as opposed to an approved version) by status.
    """
    end = _end_of(as_of)
    earlier = ManagementReview.objects.for_organization(organization).filter(date__lt=as_of)
    if review_id is not None:
        earlier = earlier.exclude(pk=review_id)
    previous = earlier.order_by("-date", "-number").first()

    actions = as_they_stood(CorrectiveAction, organization, end).filter(
        review_id__in=list(earlier.values_list("pk", flat=True))
    )
    action_counts = actions.aggregate(
        total=Count("id"),
        **{status: Count("id", filter=Q(status=status)) for status in ("open", "in_progress", "done")},
        verified_effective=Count("id", filter=Q(verification_result=Verification.EFFECTIVE)),
        overdue=Count("id", filter=Q(status__in=PENDING_ACTION_STATUSES, due_date__lt=as_of)),
    )

    closed = as_they_stood(Audit, organization, end).filter(status=AuditStatus.CLOSED, actual_end__lte=as_of)
    if previous is not None:
        closed = closed.filter(actual_end__gt=previous.date)
    closed = list(
        closed.order_by("actual_end", "number").values(
            "id", "number", "title", "type", "frameworks", "actual_end"
        )
    )
    results = {
        (row["audit_id"], row["result"]): row["n"]
        for row in as_they_stood(ChecklistItem, organization, end)
        .filter(audit_id__in=[audit["id"] for audit in closed])
        .values("audit_id", "result")
        .annotate(n=Count("id"))
    }
    audits = [
        {
            "reference": Audit(number=audit["number"]).reference,
            "title": audit["title"],
            "type": audit["type"],
            "frameworks": audit["frameworks"],
            "actual_end": audit["actual_end"].isoformat(),
            "results": {value: results.get((audit["id"], value), 0) for value in Result.values},
        }
        for audit in closed
    ]

    closed_finding = Q(status=FindingStatus.CLOSED)
    finding_counts = as_they_stood(Finding, organization, end).aggregate(
        **{f"{s}_open": Count("id", filter=Q(severity=s) & ~closed_finding) for s in NONCONFORMITIES},
        **{f"{s}_closed": Count("id", filter=Q(severity=s) & closed_finding) for s in NONCONFORMITIES},
    )

    open_risks = ~Q(status=RiskStatus.CLOSED)
    risk_counts = as_they_stood(Risk, organization, end).aggregate(
        open=Count("id", filter=open_risks),
        accepted=Count("id", filter=Q(status=RiskStatus.ACCEPTED)),
        review_overdue=Count("id", filter=open_risks & Q(next_review_date__lt=as_of)),
        **{level: Count("id", filter=open_risks & Q(level=level)) for level in Level.values},
    )

    assessment_counts = as_they_stood(ImpactAssessment, organization, end).aggregate(
        total=Count("id"),
        signed_off=Count("id", filter=Q(status=AssessmentStatus.SIGNED_OFF)),
    )

    version = (
        SoAVersion.objects.for_organization(organization)
        .filter(approved_at__lt=end)
        .order_by("-number")
        .first()
    )
    version_counts = None
    if version is not None:
        version_counts = (
            SoAVersionRow.objects.filter(version=version)
            .order_by()
            .aggregate(
                n_applicable=Count("id", filter=Q(applicable=True)),
                n_implemented=Count("id", filter=Q(applicable=True, status=ImplementationStatus.IMPLEMENTED)),
            )
        )
    live = as_they_stood(SoAEntry, organization, end).aggregate(
        n_applicable=Count("id", filter=Q(applicable=True)),
        n_undecided=Count("id", filter=Q(applicable__isnull=True)),
        **{
            f"n_{status}": Count("id", filter=Q(applicable=True, status=status))
            for status in ImplementationStatus.values
        },
    )

    return {
        "as_of": as_of.isoformat(),
        "previous_review": previous.date.isoformat() if previous is not None else None,
        "previous_actions": action_counts,
        "audits": audits,
        "nonconformities": {
            severity: {
                "open": finding_counts[f"{severity}_open"],
                "closed": finding_counts[f"{severity}_closed"],
            }
            for severity in sorted(NONCONFORMITIES)
        },
        "risks": {
            "open": risk_counts["open"],
            "by_level": {level: risk_counts[level] for level in Level.values},
            "accepted": risk_counts["accepted"],
            "review_overdue": risk_counts["review_overdue"],
        },
        "impact_assessments": assessment_counts,
        "soa": {
            "version": version.number if version is not None else None,
            "version_approved_at": version.approved_at.isoformat() if version is not None else None,
            "version_applicable": version_counts["n_applicable"] if version_counts else None,
            "version_implemented": version_counts["n_implemented"] if version_counts else None,
            "live_applicable": live["n_applicable"],
            "live_undecided": live["n_undecided"],
            "live_by_status": {status: live[f"n_{status}"] for status in ImplementationStatus.values},
        },
    }
