"""Reading the catalogues and computing the crosswalk's coverage from its rows."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import (
    RELATION_STRENGTH,
    Clause,
    ClauseMapping,
    Control,
    ControlGroup,
    Framework,
    Mapping,
    Relation,
)

ISO27001 = "iso27001-2022"
ISO42001 = "iso42001-2023"


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.annotate(
        control_count=Count("controls", distinct=True), clause_count=Count("clauses", distinct=True)
    ).order_by("order")


def framework_get(code: str) -> Framework:
    try:
        return Framework.objects.get(code=code)
    except Framework.DoesNotExist:
        raise Http404("No such framework") from None


def groups_of(framework: Framework) -> QuerySet[ControlGroup]:
    return (
        ControlGroup.objects.filter(framework=framework)
        .annotate(control_count=Count("controls"))
        .order_by("order")
    )


def controls_search(*, framework: Framework, query: str = "", group: str = "") -> QuerySet[Control]:
    """Controls of one framework matching a text search over reference, title and description."""
    controls = (
        Control.objects.filter(framework=framework)
        .select_related("group")
        .annotate(
            counterpart_count=Count("mappings_from", distinct=True) + Count("mappings_to", distinct=True)
        )
        .order_by("order")
    )
    if group:
        controls = controls.filter(group__reference=group)
    if query:
        controls = controls.filter(
            Q(reference__icontains=query) | Q(title__icontains=query) | Q(description__icontains=query)
        )
    return controls


def control_get(*, framework_code: str, reference: str) -> Control:
    try:
        return Control.objects.select_related("framework", "group").get(
            framework__code=framework_code, reference=reference
        )
    except Control.DoesNotExist:
        raise Http404("No such control") from None


def control_counterparts(control: Control) -> list[dict]:
    """The crosswalk around one control, both directions, strongest first."""
    outgoing = Mapping.objects.filter(source=control).select_related("target__framework", "target__group")
    incoming = Mapping.objects.filter(target=control).select_related("source__framework", "source__group")
    rows = [
        {"control": m.target, "relation": m.relation, "rationale": m.rationale, "mapping": m}
        for m in outgoing
    ]
    rows += [
        {"control": m.source, "relation": m.relation, "rationale": m.rationale, "mapping": m}
        for m in incoming
    ]
    rows.sort(
        key=lambda r: (-RELATION_STRENGTH[r["relation"]], r["control"].framework.order, r["control"].order)
    )
    return rows


def clauses_of(framework: Framework) -> list[Clause]:
    links = ClauseMapping.objects.select_related("source__framework", "target__framework")
    return list(
        Clause.objects.filter(framework=framework)
        .prefetch_related(
            Prefetch("mappings_from", queryset=links, to_attr="links_from"),
            Prefetch("mappings_to", queryset=links, to_attr="links_to"),
        )
        .order_by("order")
    )


BUCKETS = (
    ("equivalent", "Equivalent"),
    ("partial", "Partial"),
    ("related", "Only related"),
    ("none", "No counterpart (AI-specific)"),
)


@dataclass
class Coverage:
    """How far one framework's controls are covered by another's, by strongest link."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _ in BUCKETS})

    def share(self, bucket: str) -> float:
        return 100.0 * self.counts[bucket] / self.total if self.total else 0.0

    @property
    def covered_share(self) -> float:
        """Share fully covered (an equivalent link)."""
        return self.share("equivalent")

    @property
    def at_least_partly_covered_share(self) -> float:
        return self.share("equivalent") + self.share("partial")

    @property
    def buckets(self) -> list[dict]:
        """Each bucket with its count, share and its segment's offset on a 0-100 bar."""
        offset, segments = 0.0, []
        for key, label in BUCKETS:
            share = self.share(key)
            segments.append(
                {"key": key, "label": label, "count": self.counts[key], "share": share, "x": offset}
            )
            offset += share
        return segments


@dataclass
class CrosswalkRow:
    control: Control
    bucket: str
    links: list[Mapping]


@dataclass
class Crosswalk:
    source: Framework
    target: Framework
    coverage: Coverage
    rows: list[CrosswalkRow]
    by_group: list[tuple[ControlGroup, Coverage]]
    target_controls_used: int
    target_controls_total: int


def _bucket(links: list[Mapping]) -> str:
    if not links:
        return "none"
    strongest = max(links, key=lambda m: RELATION_STRENGTH[m.relation]).relation
    return {Relation.EQUIVALENT: "equivalent", Relation.PARTIAL: "partial", Relation.RELATED: "related"}[
        strongest
    ]


def crosswalk(*, source_code: str = ISO42001, target_code: str = ISO27001) -> Crosswalk:
    """The crosswalk from ``source`` to ``target`` with its coverage, computed from the mapping rows.

    Each source control counts once, in the bucket of its strongest link to the
    target framework. Three queries whatever the catalogue size.
    """
    return _crosswalk(framework_get(source_code), framework_get(target_code))


def _crosswalk(source: Framework, target: Framework) -> Crosswalk:
    links = (
        Mapping.objects.filter(target__framework=target).select_related("target").order_by("target__order")
    )
    controls = (
        Control.objects.filter(framework=source)
        .select_related("group")
        .prefetch_related(Prefetch("mappings_from", queryset=links, to_attr="target_links"))
        .order_by("order")
    )
    coverage = Coverage()
    per_group: dict[int, tuple[ControlGroup, Coverage]] = {}
    rows = []
    used_targets = set()
    for control in controls:
        bucket = _bucket(control.target_links)
        rows.append(CrosswalkRow(control=control, bucket=bucket, links=control.target_links))
        used_targets.update(m.target_id for m in control.target_links)
        for cov in (coverage, per_group.setdefault(control.group_id, (control.group, Coverage()))[1]):
            cov.total += 1
            cov.counts[bucket] += 1
    return Crosswalk(
        source=source,
        target=target,
        coverage=coverage,
        rows=rows,
        by_group=list(per_group.values()),
        target_controls_used=len(used_targets),
        target_controls_total=Control.objects.filter(framework=target).count(),
    )


def crosswalk_summary() -> Crosswalk | None:
    """The default crosswalk for dashboards, or None before the catalogues are loaded."""
    frameworks = {f.code: f for f in Framework.objects.filter(code__in=[ISO27001, ISO42001])}
    if len(frameworks) < 2:
        return None
    return _crosswalk(frameworks[ISO42001], frameworks[ISO27001])
