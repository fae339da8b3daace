"""My work: what waits for one member of one organization, across every domain app.

``work_queue`` gives the querysets the "My work" page lists; ``work_counts`` counts the
same querysets in one query (the navigation's badges, on every page, so it must stay
cheap), which is why both start from ``_queues``.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audits.models import PENDING_ACTION_STATUSES as CORRECTIVE_PENDING
from audits.models import ActionStatus as CorrectiveActionStatus
from audits.models import Audit, AuditStatus, AuditTeamMember, ChecklistItem, CorrectiveAction, Verification
from audits.selectors import audits_for, corrective_actions_for
from core.roles import Capability
from organizations.models import Membership, Organization
from risks.models import PENDING_ACTION_STATUSES, AssessmentStatus, ImpactReviewer, TreatmentAction
from risks.selectors import assessments_for, reviews_overdue_for
from soa.models import SoAEntry, SoAVersion

from .selectors import counts_of

#: An action due within this many days counts as "due soon".
DUE_SOON_DAYS = 14

#: The queues in the order the page and the navigation name them.
QUEUES = (
    "reviews",
    "sign_offs",
    "treatment_actions",
    "corrective_actions",
    "verifications",
    "risk_reviews",
    "audits",
)


def _due_by() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)


def _queues(organization: Organization, membership: Membership) -> dict[str, QuerySet]:
    user_id = membership.user_id
    approver = membership.can(Capability.APPROVE)
    queues = {
        # Reviews of a draft assessment the member is named on and has not given yet.
        "reviews": ImpactReviewer.objects.for_organization(organization).filter(
            user_id=user_id, reviewed_at__isnull=True, assessment__status=AssessmentStatus.DRAFT
        ),
        # Drafts with a conclusion and every named review given: ready for an approver.
        "sign_offs": (
            assessments_for(organization)
            .filter(status=AssessmentStatus.DRAFT)
            .exclude(summary="")
            .exclude(
                Exists(ImpactReviewer.objects.filter(assessment=OuterRef("pk"), reviewed_at__isnull=True))
            )
            if approver
            else assessments_for(organization).none()
        ),
        "treatment_actions": TreatmentAction.objects.for_organization(organization).filter(
            owner_id=user_id, status__in=PENDING_ACTION_STATUSES, due_date__lte=_due_by()
        ),
        "corrective_actions": CorrectiveAction.objects.for_organization(organization).filter(
            owner_id=user_id, status__in=CORRECTIVE_PENDING, due_date__lte=_due_by()
        ),
        "verifications": _verifications_waiting(organization, membership),
        "risk_reviews": reviews_overdue_for(organization, owner=user_id),
        # Audits not closed that the member leads or is on the team of, with items to record.
        "audits": Audit.objects.for_organization(organization)
        .exclude(status=AuditStatus.CLOSED)
        .filter(
            Q(lead_auditor_id=user_id)
            | Exists(AuditTeamMember.objects.filter(audit=OuterRef("pk"), user_id=user_id))
        )
        .filter(Exists(ChecklistItem.objects.filter(audit=OuterRef("pk"), result=""))),
    }
    return queues


def _verifications_waiting(organization: Organization, membership: Membership) -> QuerySet:
    """Done corrective actions whose effectiveness is not verified yet, for those who may verify
    them (``audits.services.corrective_action_verify``): officers and administrators every one;
    an auditor those of the findings of the audits they lead or are on the team of."""
    done = (
        CorrectiveAction.objects.for_organization(organization)
        .filter(status=CorrectiveActionStatus.DONE)
        .exclude(verification_result=Verification.EFFECTIVE)
    )
    if membership.can(Capability.EDIT_ANY):
        return done
    if not membership.can(Capability.RECORD_AUDIT_RESULTS):
        return done.none()
    user_id = membership.user_id
    return done.filter(finding__isnull=False).filter(
        Q(finding__audit__lead_auditor_id=user_id)
        | Exists(AuditTeamMember.objects.filter(audit_id=OuterRef("finding__audit_id"), user_id=user_id))
    )


def _soa_approval_waiting(organization: Organization) -> QuerySet:
    """Decided SoA rows changed since the latest approved version (any, if none yet)."""
    latest = (
        SoAVersion.objects.filter(organization=organization).order_by("-number").values("approved_at")[:1]
    )
    rows = SoAEntry.objects.for_organization(organization).filter(applicable__isnull=False)
    never = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return rows.filter(updated_at__gt=Coalesce(Subquery(latest), Value(never)))


@dataclass
class WorkCounts:
    reviews: int = 0
    sign_offs: int = 0
    treatment_actions: int = 0
    corrective_actions: int = 0
    verifications: int = 0
    risk_reviews: int = 0
    audits: int = 0
    soa_approval: bool = False

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in QUEUES) + int(self.soa_approval)


def work_querysets(organization: Organization, membership: Membership) -> dict[str, QuerySet]:
    """The querysets ``work_counts`` counts (``soa_approval``: rows waiting, for approvers)."""
    querysets = _queues(organization, membership)
    if membership.can(Capability.APPROVE):
        querysets["soa_approval"] = _soa_approval_waiting(organization)
    return querysets


def work_counts(organization: Organization, membership: Membership) -> WorkCounts:
    """How much waits in each queue, in one query."""
    counts = counts_of(organization, work_querysets(organization, membership))
    counts["soa_approval"] = bool(counts.get("soa_approval"))
    return WorkCounts(**counts)


@dataclass
class WorkQueue:
    reviews: list
    sign_offs: list
    treatment_actions: list
    corrective_actions: list
    verifications: list
    risk_reviews: list
    audits: list
    soa_approval: bool

    @property
    def total(self) -> int:
        return sum(len(getattr(self, name)) for name in QUEUES) + int(self.soa_approval)


def work_queue(organization: Organization, membership: Membership) -> WorkQueue:
    """What waits for the member, each queue soonest first, with what its rows show."""
    queues = _queues(organization, membership)
    audits = (
        audits_for(organization)
        .filter(pk__in=queues["audits"].values("pk"))
        .order_by("planned_end", "number")
    )
    return WorkQueue(
        reviews=list(queues["reviews"].select_related("assessment__ai_system").order_by("assessment_id")),
        sign_offs=list(queues["sign_offs"].order_by("ai_system__name", "version")),
        treatment_actions=list(queues["treatment_actions"].select_related("risk").order_by("due_date", "id")),
        corrective_actions=list(
            corrective_actions_for(organization).filter(pk__in=queues["corrective_actions"].values("pk"))
        ),
        verifications=list(
            corrective_actions_for(organization)
            .filter(pk__in=queues["verifications"].values("pk"))
            .order_by("completed_at", "number")
        ),
        risk_reviews=list(queues["risk_reviews"]),
        audits=list(audits),
        soa_approval=membership.can(Capability.APPROVE) and _soa_approval_waiting(organization).exists(),
    )
