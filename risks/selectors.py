"""Reads of the risk register and the impact assessments. Every query starts from the organization."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assets.models import Asset, AssetKind
from controls.models import RELATION_STRENGTH, Control, Mapping
from controls.selectors import ISO27001, ISO42001
from core.history import FieldChange, HistoryEntry, history_for, known_label, known_rows
from core.roles import Capability, Role, role_can
from organizations.models import Organization

from .models import (
    LEVEL_COLOURS,
    LEVEL_RANK,
    PENDING_ACTION_STATUSES,
    ImpactAssessment,
    ImpactItem,
    ImpactReviewer,
    Level,
    Risk,
    RiskAsset,
    RiskControl,
    RiskMethodology,
    RiskStatus,
    TreatmentAction,
)

# --- Methodology ------------------------------------------------------------------------


def methodology_for(organization: Organization) -> RiskMethodology:
    """The organization's risk methodology (created with the organization:
    ``services.methodology_create_default``); a read, it never writes."""
    return RiskMethodology.objects.get(organization=organization)


def levels_above(methodology: RiskMethodology) -> list[str]:
    return [level for level in Level.values if methodology.is_above_appetite(level)]


# --- The register ---------------------------------------------------------------------------


def risks_for(organization: Organization) -> QuerySet[Risk]:
    """The organization's risks with what every list shows (owner)."""
    return Risk.objects.for_organization(organization).select_related("owner")


def risks_with_links(queryset: QuerySet[Risk]) -> QuerySet[Risk]:
    """``queryset`` with its assets and controls fetched in two queries, and
    the count of pending and overdue actions of each risk annotated."""
    today = timezone.localdate()
    return queryset.prefetch_related(
        Prefetch(
            "asset_links",
            queryset=RiskAsset.objects.select_related("asset")
            .only("id", "risk_id", "asset_id", "asset__id", "asset__identifier", "asset__name", "asset__kind")
            .order_by("asset__identifier", "asset__name"),
        ),
        Prefetch(
            "control_links",
            queryset=RiskControl.objects.select_related("control__framework").order_by(
                "control__framework__order", "control__order"
            ),
        ),
    ).annotate(
        pending_actions=_actions_counted(status__in=PENDING_ACTION_STATUSES),
        overdue_actions=_actions_counted(status__in=PENDING_ACTION_STATUSES, due_date__lt=today),
    )


def _actions_counted(**conditions):
    """How many of a risk's actions meet ``conditions``, as a correlated subquery: it
    runs for the rows of the page only (after the LIMIT), where a ``Count`` over a
    join grouped every risk of the organization first, and kept ``count()`` grouping."""
    actions = (
        TreatmentAction.objects.filter(risk_id=OuterRef("pk"), **conditions)
        .order_by()
        .values("risk_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(actions), 0)


def risk_get(*, organization: Organization, risk_id: int, with_links: bool = False) -> Risk:
    """One risk of the organization, or 404 (also for another organization's id)."""
    queryset = risks_for(organization).select_related("accepted_by")
    if with_links:
        queryset = risks_with_links(queryset)
    return get_object_or_404(queryset, pk=risk_id)


def action_get(*, organization: Organization, risk: Risk, action_id: int) -> TreatmentAction:
    """One action of the risk's treatment plan, or 404 (also for another risk's or organization's)."""
    return get_object_or_404(
        TreatmentAction.objects.for_organization(organization).select_related("risk", "owner"),
        pk=action_id,
        risk=risk,
    )


def risk_actions(risk: Risk) -> list[TreatmentAction]:
    return list(risk.actions.select_related("owner").order_by("status", "due_date", "id"))


def risk_impact_items(risk: Risk) -> list[ImpactItem]:
    """The impacts that raised this risk, newest version first."""
    return list(
        risk.impact_items.select_related("assessment__ai_system").order_by("-assessment__version", "id")
    )


@dataclass
class RiskSummary:
    total: int
    by_level: dict[str, int]
    above_appetite: int
    review_overdue: int
    accepted: int
    overdue_actions: int
    closed: int


def risk_summary(organization: Organization, methodology: RiskMethodology | None = None) -> RiskSummary:
    """Head counts of the open register, in two queries."""
    methodology = methodology or methodology_for(organization)
    today = timezone.localdate()
    above = levels_above(methodology)
    risks = Risk.objects.for_organization(organization).order_by()
    open_risks = ~Q(status=RiskStatus.CLOSED)
    counts = risks.aggregate(
        total=Count("id", filter=open_risks),
        closed=Count("id", filter=Q(status=RiskStatus.CLOSED)),
        above=Count("id", filter=open_risks & Q(level__in=above)),
        overdue=Count("id", filter=open_risks & Q(next_review_date__lt=today)),
        accepted=Count("id", filter=Q(status=RiskStatus.ACCEPTED)),
        **{f"level_{level}": Count("id", filter=open_risks & Q(level=level)) for level in Level.values},
    )
    return RiskSummary(
        total=counts["total"],
        by_level={level: counts[f"level_{level}"] for level in Level.values},
        above_appetite=counts["above"],
        review_overdue=counts["overdue"],
        accepted=counts["accepted"],
        overdue_actions=overdue_actions_for(organization).count(),
        closed=counts["closed"],
    )


# --- Heat maps -------------------------------------------------------------------------------

INHERENT, RESIDUAL = "inherent", "residual"


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    score: int
    level: str
    count: int
    fill: str
    text: str
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0
    query: str = ""

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def cy(self) -> int:
        return self.y + self.height // 2

    @property
    def level_label(self) -> str:
        return Level(self.level).label


@dataclass
class HeatAxisLabel:
    value: int
    label: str
    short: str
    position: int


@dataclass
class HeatMap:
    """A likelihood x impact matrix with the number of open risks in each cell,
    laid out for the SVG partial ``partials/_heat_map.html`` (cell positions in
    SVG units, colours as attributes, so the same drawing serves PDFs)."""

    kind: str
    title: str
    rows: list[list[HeatCell]]  # highest impact first
    likelihood_axis: list[HeatAxisLabel]
    impact_axis: list[HeatAxisLabel]
    total: int
    cell_width: int = 78
    cell_height: int = 46
    left: int = 128
    top: int = 8
    bottom: int = 52
    width: int = 0
    height: int = 0
    legend: list = field(default_factory=list)

    @property
    def cells(self) -> list[HeatCell]:
        return [cell for row in self.rows for cell in row]

    @property
    def grid_right(self) -> int:
        return self.left + self.cell_width * len(self.likelihood_axis)

    @property
    def grid_bottom(self) -> int:
        return self.top + self.cell_height * len(self.impact_axis)

    @property
    def likelihood_title_x(self) -> int:
        return self.left + self.cell_width * len(self.likelihood_axis) // 2

    @property
    def impact_title_y(self) -> int:
        return self.top + self.cell_height * len(self.impact_axis) // 2


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def heat_map(
    organization: Organization,
    *,
    kind: str = INHERENT,
    queryset: QuerySet[Risk] | None = None,
    methodology: RiskMethodology | None = None,
    counts: dict | None = None,
) -> HeatMap:
    """The inherent or residual heat map of the organization's open risks (of
    ``queryset`` when given), in one query. On the residual map a risk
    without a residual rating yet stands at its inherent rating.

    Each cell carries the query string (``inherent_cell=L-I`` or
    ``residual_cell=L-I``, open risks only) that filters the register to it.
    """
    methodology = methodology or methodology_for(organization)
    if counts is None:
        counts = _cell_counts(organization, queryset)[kind]
    width, height = methodology.likelihood_size, methodology.impact_size
    heat = HeatMap(
        kind=kind,
        title="Inherent risk" if kind == INHERENT else "Residual risk",
        rows=[],
        likelihood_axis=[],
        impact_axis=[],
        total=sum(counts.values()),
    )
    param = "inherent_cell" if kind == INHERENT else "residual_cell"
    for row_index, impact in enumerate(range(height, 0, -1)):
        row = []
        for column, likelihood in enumerate(range(1, width + 1)):
            score = likelihood * impact
            level = methodology.level_for(score)
            fill, text = LEVEL_COLOURS[level]
            row.append(
                HeatCell(
                    likelihood=likelihood,
                    impact=impact,
                    score=score,
                    level=level,
                    count=counts.get((likelihood, impact), 0),
                    fill=fill,
                    text=text,
                    x=heat.left + column * heat.cell_width + 2,
                    y=heat.top + row_index * heat.cell_height + 2,
                    width=heat.cell_width - 4,
                    height=heat.cell_height - 4,
                    query=f"{param}={likelihood}-{impact}&status=open",
                )
            )
        heat.rows.append(row)
    heat.likelihood_axis = [
        HeatAxisLabel(
            value, label, _short(label, 14), heat.left + (value - 1) * heat.cell_width + heat.cell_width // 2
        )
        for value, label in enumerate(methodology.likelihood_labels, start=1)
    ]
    heat.impact_axis = [
        HeatAxisLabel(
            value,
            label,
            _short(label, 14),
            heat.top + (height - value) * heat.cell_height + heat.cell_height // 2,
        )
        for value, label in enumerate(methodology.impact_labels, start=1)
    ]
    heat.width = heat.grid_right + 8
    heat.height = heat.grid_bottom + heat.bottom
    heat.legend = [
        {"level": band.level, "label": band.label, "fill": band.fill, "low": band.low, "high": band.high}
        for band in methodology.bands
    ]
    return heat


def _cell_counts(organization: Organization, queryset: QuerySet[Risk] | None) -> dict[str, dict]:
    """The open risks per inherent and per residual cell, in one query."""
    risks = (queryset if queryset is not None else Risk.objects.for_organization(organization)).exclude(
        status=RiskStatus.CLOSED
    )
    rows = (
        risks.order_by()
        .values("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
        .annotate(n=Count("id"))
    )
    inherent: Counter = Counter()
    residual: Counter = Counter()
    for row in rows:
        likelihood, impact = row["inherent_likelihood"], row["inherent_impact"]
        inherent[(likelihood or 0, impact or 0)] += row["n"]
        # Each axis of the residual map falls back to the inherent rating on its own.
        residual[(row["residual_likelihood"] or likelihood, row["residual_impact"] or impact)] += row["n"]
    return {INHERENT: dict(inherent), RESIDUAL: dict(residual)}


def heat_maps(organization: Organization, *, queryset=None, methodology=None) -> tuple[HeatMap, HeatMap]:
    methodology = methodology or methodology_for(organization)
    counts = _cell_counts(organization, queryset)
    return (
        heat_map(organization, kind=INHERENT, methodology=methodology, counts=counts[INHERENT]),
        heat_map(organization, kind=RESIDUAL, methodology=methodology, counts=counts[RESIDUAL]),
    )


def methodology_matrix(methodology: RiskMethodology) -> HeatMap:
    """The methodology's matrix with each cell's score and band (no risks): what the bands look like."""
    heat = heat_map(methodology.organization, kind=INHERENT, methodology=methodology, counts={})
    heat.title = "Levels on the matrix"
    return heat


# --- Overdue work -------------------------------------------------------------------------


def overdue_actions_for(organization: Organization, *, owner=None) -> QuerySet[TreatmentAction]:
    """Pending treatment actions past their due date, oldest first."""
    actions = TreatmentAction.objects.for_organization(organization).filter(
        status__in=PENDING_ACTION_STATUSES, due_date__lt=timezone.localdate()
    )
    if owner is not None:
        actions = actions.filter(owner=owner)
    return actions.select_related("risk", "owner").order_by("due_date", "id")


def overdue_action_owners(organization: Organization) -> list[dict]:
    """The owners of overdue actions with how many each has, most first (``id``, ``name``, ``count``)."""
    rows = (
        overdue_actions_for(organization)
        .order_by()
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(count=Count("id"))
    )
    owners = [
        {
            "id": row["owner_id"],
            "name": f"{row['owner__first_name']} {row['owner__last_name']}".strip() or row["owner__username"],
            "count": row["count"],
        }
        for row in rows
    ]
    return sorted(owners, key=lambda o: (-o["count"], o["name"].lower()))


def upcoming_actions_for(organization: Organization, *, owner, days: int = 30) -> QuerySet[TreatmentAction]:
    today = timezone.localdate()
    return (
        TreatmentAction.objects.for_organization(organization)
        .filter(
            owner=owner,
            status__in=PENDING_ACTION_STATUSES,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=days),
        )
        .select_related("risk")
        .order_by("due_date", "id")
    )


def reviews_overdue_for(organization: Organization, *, owner=None) -> QuerySet[Risk]:
    risks = risks_for(organization).review_overdue()
    if owner is not None:
        risks = risks.filter(owner=owner)
    return risks.order_by("next_review_date", "number")


@dataclass
class RiskOverview:
    """What the organization's overview page shows of the register."""

    inherent: HeatMap
    residual: HeatMap
    summary: RiskSummary
    methodology: RiskMethodology


def risk_overview(organization: Organization) -> RiskOverview:
    methodology = methodology_for(organization)
    inherent, residual = heat_maps(organization, methodology=methodology)
    return RiskOverview(
        inherent=inherent,
        residual=residual,
        summary=risk_summary(organization, methodology),
        methodology=methodology,
    )


# --- Pickers and references ------------------------------------------------------------------


def treatment_controls() -> QuerySet[Control]:
    """The controls a risk can be treated with: both Annex A catalogues, in catalogue order."""
    return (
        Control.objects.filter(framework__code__in=[ISO27001, ISO42001])
        .select_related("framework")
        .order_by("framework__order", "order")
    )


#: "ISO27001:8.28", "iso42001:A.6.2.8", "27001 8.28", "iso27001-2022:5.1" or a bare reference.
_CONTROL_REF = re.compile(
    r"^\s*(?:(?:iso\s*/?\s*(?:iec)?\s*)?(27001|42001)(?:[-:]\s*20\d\d)?\s*[:\s]\s*)?([A-Za-z]?\.?[\d.]+)\s*$",
    re.I,
)


def control_picker_label(control: Control) -> str:
    """How the treatment controls picker names a control: "ISO27001 8.28 Secure coding"."""
    return f"{control_label(control).split(':')[0]} {control.reference} {control.title}"


def crosswalk_suggestions() -> dict[str, list[dict]]:
    """For each control with crosswalk counterparts, what the risk form offers beside it
    ("also treats: …"): the counterparts, strongest relation first, named as the picker names them."""
    suggestions: dict[str, list[dict]] = {}
    mappings = Mapping.objects.select_related("source__framework", "target__framework")
    for mapping in mappings:
        for control, other in ((mapping.source, mapping.target), (mapping.target, mapping.source)):
            suggestions.setdefault(str(control.pk), []).append(
                {
                    "id": str(other.pk),
                    "label": control_picker_label(other),
                    "relation": mapping.get_relation_display().lower(),
                    "strength": RELATION_STRENGTH[mapping.relation],
                }
            )
    for items in suggestions.values():
        items.sort(key=lambda item: -item.pop("strength"))
    return suggestions


def control_label(control: Control) -> str:
    """How files and the API name a control: ``ISO27001:8.28``, ``ISO42001:A.6.2.8``."""
    return control_label_of(framework_code=control.framework.code, reference=control.reference)


def control_label_of(*, framework_code: str, reference: str) -> str:
    """``control_label`` from the framework's code and the control's reference."""
    standard = "ISO27001" if framework_code == ISO27001 else "ISO42001"
    return f"{standard}:{reference}"


def controls_by_label(labels: list[str]) -> tuple[dict[str, Control], list[str]]:
    """The controls named by ``labels`` (see ``control_label``; a bare
    reference works too, since 42001 references start with "A."), and the
    labels that name none."""
    wanted: dict[str, tuple[str, str]] = {}
    unknown = []
    for label in labels:
        match = _CONTROL_REF.match(label)
        if not match:
            unknown.append(label)
            continue
        standard, reference = match.groups()
        reference = reference.upper() if reference[:1].isalpha() else reference
        if reference.startswith("A") and not reference.startswith("A."):
            reference = "A." + reference[1:]
        if standard is None:
            standard = "42001" if reference.startswith("A.") else "27001"
        code = ISO27001 if standard == "27001" else ISO42001
        wanted[label] = (code, reference)
    found = {}
    if wanted:
        query = Q()
        for code, reference in set(wanted.values()):
            query |= Q(framework__code=code, reference=reference)
        by_key = {
            (c.framework.code, c.reference): c
            for c in Control.objects.filter(query).select_related("framework")
        }
        for label, key in wanted.items():
            if key in by_key:
                found[label] = by_key[key]
            else:
                unknown.append(label)
    return found, unknown


def ai_systems_for(organization: Organization) -> QuerySet[Asset]:
    return (
        Asset.objects.for_organization(organization).filter(kind=AssetKind.AI_SYSTEM).order_by("name", "id")
    )


def unassessed_ai_systems(organization: Organization) -> QuerySet[Asset]:
    """The organization's AI systems with no impact assessment yet, by name."""
    assessed = ImpactAssessment.objects.filter(organization=organization, ai_system=OuterRef("pk"))
    return ai_systems_for(organization).exclude(Exists(assessed))


def asset_ids_named(organization: Organization, value: str) -> list[int]:
    """The id of the organization's asset that a filter's ``asset=`` names (an id or an
    identifier, as ``RiskFilter.filter_asset`` reads it), as a list: ``[]`` for none."""
    value = (value or "").strip()
    if not value:
        return []
    assets = Asset.objects.for_organization(organization)
    found = assets.filter(pk=int(value)) if value.isdigit() else assets.filter(identifier__iexact=value)
    return list(found.values_list("pk", flat=True)[:1])


def risk_assets_for(organization: Organization) -> QuerySet[Asset]:
    return (
        Asset.objects.for_organization(organization)
        .only("id", "identifier", "name", "kind")
        .order_by("identifier", "name")
    )


# --- Impact assessments ----------------------------------------------------------------------


def assessments_for(organization: Organization) -> QuerySet[ImpactAssessment]:
    return ImpactAssessment.objects.for_organization(organization).select_related(
        "ai_system", "owner", "signed_off_by"
    )


def latest_assessments(organization: Organization) -> QuerySet[ImpactAssessment]:
    """The latest version of each AI system's assessment, with its item count,
    highest-rated impact and how many impacts have raised risks."""
    latest = (
        ImpactAssessment.objects.filter(ai_system=OuterRef("ai_system"))
        .order_by("-version")
        .values("version")[:1]
    )
    return (
        assessments_for(organization)
        .annotate(latest_version=Subquery(latest))
        .filter(version=Coalesce("latest_version", 0))
        .annotate(
            item_count=Count("items", distinct=True),
            risk_count=Count("items__risk", distinct=True),
            reviewer_count=Count("reviewer_links", distinct=True),
        )
        .order_by("ai_system__name", "ai_system_id")
    )


def assessment_get(*, organization: Organization, assessment_id: int) -> ImpactAssessment:
    return get_object_or_404(assessments_for(organization), pk=assessment_id)


def assessment_items(assessment: ImpactAssessment) -> list[ImpactItem]:
    return list(assessment.items.select_related("risk").order_by("area", "-severity", "id"))


def assessment_reviewers(assessment: ImpactAssessment) -> list[ImpactReviewer]:
    return list(assessment.reviewer_links.select_related("user").order_by("id"))


def assessment_versions(assessment: ImpactAssessment) -> list[ImpactAssessment]:
    return list(
        ImpactAssessment.objects.for_organization(assessment.organization)
        .filter(ai_system_id=assessment.ai_system_id)
        .select_related("signed_off_by")
        .order_by("-version")
    )


def latest_version_number(assessment: ImpactAssessment) -> int:
    return (
        ImpactAssessment.objects.for_organization(assessment.organization)
        .filter(ai_system_id=assessment.ai_system_id)
        .aggregate(v=Max("version"))["v"]
        or assessment.version
    )


def item_get(*, assessment: ImpactAssessment, item_id: int) -> ImpactItem:
    return get_object_or_404(assessment.items.select_related("risk"), pk=item_id)


def level_rank(level: str) -> int:
    return LEVEL_RANK.get(level, 0)


# --- History ---------------------------------------------------------------------------------

_LINK_VERBS = {
    "control": ("Added a treatment control to", "Removed a treatment control from", "Treatment control"),
    "asset": ("Linked an affected asset to", "Unlinked an affected asset from", "Affected asset"),
}
_ACTION_VERBS = {
    "Created": "Planned an action for",
    "Changed": "Changed an action of",
    "Deleted": "Removed an action from",
}


def risk_related_history(risk_id: int) -> list[HistoryEntry]:
    """The changes to a risk's treatment controls, affected assets and treatment
    actions — each a record of its own with its own history rows — as entries of
    the risk's history (woven in by ``core.history.record_history``; see ``risks.apps``).
    A deleted asset is named as it was last known."""
    extra: list[HistoryEntry] = []
    for model, field_name, related_model in (
        (RiskControl, "control", Control),
        (RiskAsset, "asset", Asset),
    ):
        records = list(model.history.filter(risk_id=risk_id).select_related("history_user"))
        names = known_rows(related_model, {getattr(r, f"{field_name}_id") for r in records})
        added, removed, label = _LINK_VERBS[field_name]
        for record in records:
            if record.history_type not in "+-":
                continue
            target = names.get(getattr(record, f"{field_name}_id"))
            if field_name == "control" and target is not None:
                name = f"{control_label(target)} {target.title}"
            else:
                name = known_label(target)
            new, old = (name, "—") if record.history_type == "+" else ("—", name)
            extra.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user.display_name if record.history_user else "System",
                    action=added if record.history_type == "+" else removed,
                    reason=record.history_change_reason or "",
                    changes=[FieldChange(field=field_name, label=label, old=old, new=new)],
                )
            )
    action_ids = (
        TreatmentAction.history.filter(risk_id=risk_id).order_by().values_list("id", flat=True).distinct()
    )
    for action_id in action_ids:
        for entry in history_for(TreatmentAction(pk=action_id)):
            entry.action = _ACTION_VERBS.get(entry.action, entry.action)
            entry.changes = [c for c in entry.changes if c.field != "risk"]
            extra.append(entry)
    return extra


def impact_reviewer_roles() -> list[str]:
    """The roles that may review an impact assessment: those who record or approve work."""
    return [
        role
        for role in Role.values
        if any(role_can(role, c) for c in (Capability.EDIT_ANY, Capability.EDIT_OWN, Capability.APPROVE))
    ]


def impact_reviewer_users(organization: Organization) -> QuerySet:
    """The members the reviewer picker offers: exactly those ``impact_reviewers_set`` accepts."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__organization=organization, memberships__role__in=impact_reviewer_roles())
        .order_by("first_name", "last_name", "username")
    )
