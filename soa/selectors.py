"""Reads of the Statement of Applicability. Every query starts from the organization.

``entries_for`` is the one queryset every list, export, PDF and API endpoint
starts from: each row comes with its control, owner, stored reasons, the number
of risks the register treats with its control (the derived ``risk_treatment``
reason) and the annotations the consistency checks read (``soa.checks``), in a
fixed number of queries whatever the number of rows. ``entries_with_risks_for``
adds the treating risks themselves, for what freezes or files the rows (versions,
PDFs, exports); pages and the API show the count and link to the register, since
at scale a control treats dozens of risks and 131 rows listing them all weighed
1.5 MB (issue 14).
"""

from dataclasses import dataclass, field

from django.db.models import BooleanField as BooleanOutput
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.defaultfilters import pluralize
from django.utils.http import urlencode

from assets.models import Asset, AssetKind, LifecycleStatus
from controls.models import Framework, Mapping
from controls.selectors import ISO27001, ISO42001
from organizations.models import Organization
from risks.models import PENDING_ACTION_STATUSES, Risk, RiskControl, RiskStatus, TreatmentAction
from risks.selectors import control_label

from .checks import AI_FRAMEWORK, AI_SYSTEM_CONTROLS, CHECKS, any_problem, problems_of
from .models import ImplementationStatus, ReasonKind, SoAEntry, SoAReason, SoAVersion, SoAVersionRow

# --- The live rows ------------------------------------------------------------------------


def _treating_links(organization: Organization) -> QuerySet[RiskControl]:
    """The register's links that make a control a treatment: risks not closed."""
    return (
        RiskControl.objects.filter(organization=organization)
        .exclude(risk__status=RiskStatus.CLOSED)
        .select_related("risk")
        .order_by("risk__number")
    )


def _annotated(queryset: QuerySet[SoAEntry], organization: Organization) -> QuerySet[SoAEntry]:
    # The closed risks are one uncorrelated subquery that PostgreSQL hashes once, not a
    # join to the register: joined, the per-row count re-read the 5,000 risks for every
    # row (~550 ms for 131 rows at scale; issue 14), and each Exists hashed the join.
    closed = Risk.objects.filter(organization=organization, status=RiskStatus.CLOSED).values("pk")
    treating = RiskControl.objects.filter(
        organization=organization, control_id=OuterRef("control_id")
    ).exclude(risk_id__in=closed)
    open_actions = TreatmentAction.objects.filter(
        organization=organization,
        status__in=PENDING_ACTION_STATUSES,
        risk__control_links__control_id=OuterRef("control_id"),
        risk__control_links__organization=organization,  # the same link: read by its organization's index
    ).exclude(risk_id__in=closed)
    ai_systems = _ai_systems(organization)
    treating_count = treating.order_by().values("control_id").annotate(count=Count("pk")).values("count")
    return queryset.annotate(
        treats_risk=Exists(treating),
        treating_risk_count=Coalesce(Subquery(treating_count), 0),
        has_stored_reason=Exists(SoAReason.objects.filter(entry_id=OuterRef("pk"))),
        has_open_actions=Exists(open_actions),
        needed_for_ai=Case(
            When(
                Q(control__framework__code=AI_FRAMEWORK, control__reference__in=list(AI_SYSTEM_CONTROLS))
                & Q(Exists(ai_systems)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanOutput(),
        ),
    )


def _ai_systems(organization: Organization) -> QuerySet[Asset]:
    """The AI systems of the inventory that are not retired (``checks.AI_SYSTEM_CONTROLS``)."""
    return Asset.objects.filter(organization=organization, kind=AssetKind.AI_SYSTEM).exclude(
        lifecycle_status=LifecycleStatus.RETIRED
    )


def entries_for(organization: Organization) -> QuerySet[SoAEntry]:
    """The organization's SoA rows in catalogue order, ready to show, check and export."""
    queryset = (
        SoAEntry.objects.for_organization(organization)
        .select_related("control__framework", "control__group", "owner")
        .prefetch_related(Prefetch("reasons", queryset=SoAReason.objects.order_by("kind")))
        .order_by("control__framework__order", "control__order")
    )
    return _annotated(queryset, organization)


def entries_with_risks_for(organization: Organization) -> QuerySet[SoAEntry]:
    """``entries_for`` with each row's treating risks, for what freezes or files the
    rows whole: versions, their PDFs, exports."""
    return entries_for(organization).prefetch_related(
        Prefetch("control__risk_links", queryset=_treating_links(organization), to_attr="treating_links")
    )


def entry_get(*, organization: Organization, entry_id) -> SoAEntry:
    """One SoA row of the organization, annotated, or 404 (also for another organization's id)."""
    try:
        return entries_for(organization).get(pk=entry_id)
    except (SoAEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such SoA row") from None


def treating_risks(entry: SoAEntry) -> list:
    """The risks whose treatment uses the row's control (from ``entries_with_risks_for``'s prefetch)."""
    return [link.risk for link in getattr(entry.control, "treating_links", [])]


def treating_risks_query(entry: SoAEntry) -> str:
    """The register's query string for the risks that make the row's control a
    treatment (open risks treated with it), as the page and the API link it."""
    return urlencode({"control": control_label(entry.control), "status": "open"})


def reasons_of(entry: SoAEntry) -> list[dict]:
    """The row's reasons for inclusion: the recorded ones, then the one derived from
    the register. The derived one counts the treating risks; it lists them
    (``risks``) only for rows from ``entries_with_risks_for``."""
    reasons = [
        {"kind": r.kind, "label": r.get_kind_display(), "note": r.note, "risks": [], "risk_count": 0}
        for r in entry.reasons.all()
    ]
    listed = hasattr(entry.control, "treating_links")
    risks = treating_risks(entry) if listed else []
    count = len(risks) if listed else getattr(entry, "treating_risk_count", 0)
    if count:
        if listed:
            note = "Treats " + ", ".join(f"{r.reference} {r.title}" for r in risks)
        else:
            note = f"Treats {count} risk{pluralize(count)} of the register"
        reasons.append(
            {
                "kind": ReasonKind.RISK_TREATMENT.value,
                "label": ReasonKind.RISK_TREATMENT.label,
                "note": note,
                "risks": [{"reference": r.reference, "title": r.title} for r in risks],
                "risk_count": count,
                "risks_query": treating_risks_query(entry),
            }
        )
    return reasons


@dataclass
class Problem:
    code: str
    title: str
    message: str


def entry_problems(entry: SoAEntry) -> list[Problem]:
    return [Problem(c.code, c.title, c.message) for c in problems_of(entry)]


def entries_filtered_by_problem(queryset: QuerySet[SoAEntry], has_problem: bool) -> QuerySet[SoAEntry]:
    return queryset.filter(any_problem()) if has_problem else queryset.exclude(any_problem())


@dataclass
class ProblemGroup:
    code: str
    title: str
    message: str
    entries: list[SoAEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)


def problems_for(organization: Organization) -> list[ProblemGroup]:
    """Every check with the rows that fail it (possibly none), in one query for the rows."""
    groups = {c.code: ProblemGroup(c.code, c.title, c.message) for c in CHECKS}
    rows = (
        _annotated(SoAEntry.objects.for_organization(organization), organization)
        .filter(any_problem())
        .select_related("control__framework", "control__group")
        .order_by("control__framework__order", "control__order")
    )
    for entry in rows:
        for check in problems_of(entry):
            groups[check.code].entries.append(entry)
    return list(groups.values())


def counterpart_entries(entry: SoAEntry) -> list[tuple[SoAEntry, Mapping]]:
    """The rows of the controls the crosswalk links to this row's control (both
    directions), with the link, strongest first."""
    links = list(
        Mapping.objects.filter(Q(source_id=entry.control_id) | Q(target_id=entry.control_id)).only(
            "id", "source_id", "target_id", "relation", "rationale"
        )
    )
    other = {(m.target_id if m.source_id == entry.control_id else m.source_id): m for m in links}
    rows = SoAEntry.objects.for_organization(entry.organization_id).filter(control_id__in=list(other))
    rows = rows.select_related("control__framework", "control__group", "owner").prefetch_related("reasons")
    found = [(row, other[row.control_id]) for row in rows]
    found.sort(key=lambda pair: (-pair[1].strength, pair[0].control.framework.order, pair[0].control.order))
    return found


def soa_frameworks() -> list[Framework]:
    """The two standards the SoA holds, in catalogue order (the page's tabs)."""
    return list(Framework.objects.filter(code__in=[ISO27001, ISO42001]).order_by("order"))


@dataclass
class Counterpart:
    """A row of a control the crosswalk links to another row's control, and how."""

    entry: SoAEntry
    relation: str
    rationale: str


def counterparts_by_control(organization: Organization) -> dict[int, list[Counterpart]]:
    """For every control, the organization's rows of the controls the crosswalk links to
    it (both directions), strongest link first: two queries for the whole table."""
    rows = {
        row.control_id: row
        for row in SoAEntry.objects.for_organization(organization)
        .select_related("control__framework")
        .only(
            "id",
            "control_id",
            "applicable",
            "status",
            "control__reference",
            "control__order",
            "control__framework__code",
            "control__framework__short_name",
            "control__framework__order",
        )
    }
    found: dict[int, list[tuple[int, Counterpart]]] = {}
    for link in Mapping.objects.only("source_id", "target_id", "relation", "rationale"):
        for mine, other in ((link.source_id, link.target_id), (link.target_id, link.source_id)):
            if other in rows:
                found.setdefault(mine, []).append(
                    (link.strength, Counterpart(rows[other], link.relation, link.rationale))
                )
    return {
        control_id: [
            c
            for _, c in sorted(
                pairs,
                key=lambda p: (-p[0], p[1].entry.control.framework.order, p[1].entry.control.order),
            )
        ]
        for control_id, pairs in found.items()
    }


@dataclass
class FrameworkProgress:
    """How far the SoA of one standard is: computed from its rows."""

    code: str
    short_name: str
    total: int
    decided: int
    applicable: int
    implemented: int

    @property
    def undecided(self) -> int:
        return self.total - self.decided

    @property
    def excluded(self) -> int:
        return self.decided - self.applicable

    @property
    def applicable_open(self) -> int:
        """Applicable, not implemented yet."""
        return self.applicable - self.implemented

    def share(self, count: int, of: int) -> int:
        return round(100 * count / of) if of else 0

    @property
    def decided_percent(self) -> int:
        return self.share(self.decided, self.total)

    @property
    def implemented_percent(self) -> int:
        """Implemented, as a share of the applicable controls."""
        return self.share(self.implemented, self.applicable)


def progress_for(organization: Organization) -> list[FrameworkProgress]:
    """Decided, applicable and implemented rows per standard, in catalogue order (one query)."""
    rows = (
        SoAEntry.objects.for_organization(organization)
        .values("control__framework__code", "control__framework__short_name", "control__framework__order")
        .annotate(
            total=Count("id"),
            decided=Count("id", filter=Q(applicable__isnull=False)),
            applicable_count=Count("id", filter=Q(applicable=True)),
            implemented=Count("id", filter=Q(applicable=True, status=ImplementationStatus.IMPLEMENTED)),
        )
        .order_by("control__framework__order")
    )
    return [
        FrameworkProgress(
            code=row["control__framework__code"],
            short_name=row["control__framework__short_name"],
            total=row["total"],
            decided=row["decided"],
            applicable=row["applicable_count"],
            implemented=row["implemented"],
        )
        for row in rows
    ]


# --- Versions -----------------------------------------------------------------------------------


def versions_for(organization: Organization) -> QuerySet[SoAVersion]:
    """The organization's approved versions, newest first."""
    return (
        SoAVersion.objects.for_organization(organization)
        .select_related("approved_by", "supersedes", "superseded_by")
        .order_by("-number")
    )


def version_get(*, organization: Organization, number) -> SoAVersion:
    """One approved version of the organization by its number, or 404."""
    try:
        return versions_for(organization).get(number=int(number))
    except (SoAVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such SoA version") from None


def version_latest(organization: Organization) -> SoAVersion | None:
    return versions_for(organization).first()


def version_rows(version: SoAVersion) -> QuerySet[SoAVersionRow]:
    return SoAVersionRow.objects.filter(version=version).order_by("position")
