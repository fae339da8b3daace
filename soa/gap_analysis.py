"""The gap analysis: "we run ISO/IEC 27001 — what does ISO/IEC 42001 add?" """

import inspect
from dataclasses import dataclass, field

from django.db.models import Prefetch

from controls.models import Control, Mapping, Relation
from controls.selectors import ISO27001, ISO42001
from organizations.models import Organization

from .models import ImplementationStatus, SoAEntry, SoAVersion, SoAVersionRow

COVERED, PARTLY_COVERED, NEW_WORK = "covered", "partly_covered", "new_work"
VERDICTS = (
    (COVERED, "Covered"),
    (PARTLY_COVERED, "Partly covered"),
    (NEW_WORK, "New work"),
)
_RANK = {NEW_WORK: 0, PARTLY_COVERED: 1, COVERED: 2}
_IN_PROGRESS = {ImplementationStatus.PARTIAL, ImplementationStatus.IMPLEMENTED}


@dataclass
class GapBasis:
    """A 27001 control behind a 42001 control, with the organization's decision on it."""

    control: Control
    relation: str
    applicable: bool | None
    status: str

    @property
    def status_label(self) -> str:
        return str(dict(ImplementationStatus.choices)[self.status])


@dataclass
class GapRow:
    control: Control
    entry: SoAEntry | SoAVersionRow | None
    verdict: str
    ai_specific: bool
    basis: list[GapBasis] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return dict(VERDICTS)[self.verdict]


@dataclass
class GapTotal:
    verdict: str
    label: str
    count: int
    percent: float


@dataclass
class GapAnalysis:
    rows: list[GapRow]
    method: str = ""

    def __post_init__(self):
        self.method = self.method or METHOD

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def totals(self) -> list[GapTotal]:
        counts = {key: 0 for key, _ in VERDICTS}
        for row in self.rows:
            counts[row.verdict] += 1
        return [
            GapTotal(
                key, label, counts[key], round(100.0 * counts[key] / self.total, 1) if self.total else 0.0
            )
            for key, label in VERDICTS
        ]


def _verdict_from_links(basis: list[GapBasis]) -> str:
    verdict = NEW_WORK
    for item in basis:
        if item.applicable is not True:
            continue
        if item.relation == Relation.EQUIVALENT and item.status == ImplementationStatus.IMPLEMENTED:
            return COVERED
        if (item.relation == Relation.EQUIVALENT and item.status == ImplementationStatus.PARTIAL) or (
            item.relation == Relation.PARTIAL and item.status in _IN_PROGRESS
        ):
            verdict = PARTLY_COVERED
    return verdict


def _verdict_in_own_right(entry: SoAEntry | None) -> str:
    if entry is None or entry.applicable is not True:
        return NEW_WORK
    if entry.status == ImplementationStatus.IMPLEMENTED:
        return COVERED
    if entry.status == ImplementationStatus.PARTIAL:
        return PARTLY_COVERED
    return NEW_WORK


def gap_analysis_for(organization: Organization) -> GapAnalysis:
    """What ISO/IEC 42001 adds to this organization's ISO/IEC 27001.

    Each ISO/IEC 42001 control is judged from this organization's own ISO/IEC 27001
    decisions and the crosswalk (a typed link from the 42001 control to 27001 controls):

    - Only 27001 controls the organization has marked applicable count; an excluded or
      undecided 27001 control covers nothing.
    - Covered: an equivalent link to an applicable 27001 control that is implemented.
    - Partly covered: otherwise, an equivalent link to an applicable 27001 control that is
      partially implemented, or a partial link to one that is implemented or partially
      implemented.
    - New work: everything else — no link at all (AI-specific controls), only related
      links (they inform, they do not cover), or linked 27001 controls not yet under way.
    - A 42001 control decided in its own right counts for itself: applicable and
      implemented is covered, applicable and partially implemented at least partly
      covered. This is the only way an AI-specific control leaves "new work".

    Totals and percentages are counted over every 42001 control, from these rows.
    """
    # Three queries whatever the size: the rows, the 42001 controls, their links.
    entries = {
        e.control_id: e
        for e in SoAEntry.objects.for_organization(organization).filter(
            control__framework__code__in=[ISO27001, ISO42001]
        )
    }
    return _analysis(entries)


def gap_analysis_of_version(version: SoAVersion) -> GapAnalysis:
    """The same analysis from the decisions of an approved SoA version (what an audit of
    that version judges), instead of the live table. A version row names its control by
    framework and reference; each stands in for the entry (``applicable``, ``status``)."""
    rows = {
        (row.framework, row.reference): row for row in version.rows.filter(framework__in=[ISO27001, ISO42001])
    }
    controls = Control.objects.filter(framework__code__in=[ISO27001, ISO42001]).values_list(
        "pk", "framework__code", "reference"
    )
    decisions = {pk: rows[(code, ref)] for pk, code, ref in controls if (code, ref) in rows}
    return _analysis(decisions)


def _analysis(entries: dict) -> GapAnalysis:
    """The rows from ``entries``: control id → an object with ``applicable`` and ``status``."""
    links = (
        Mapping.objects.filter(target__framework__code=ISO27001)
        .select_related("target")
        .order_by("target__order")
    )
    controls = (
        Control.objects.filter(framework__code=ISO42001)
        .select_related("group")
        .prefetch_related(Prefetch("mappings_from", queryset=links, to_attr="target_links"))
        .order_by("order")
    )
    rows = []
    for control in controls:
        basis = []
        for link in control.target_links:
            behind = entries.get(link.target_id)
            basis.append(
                GapBasis(
                    control=link.target,
                    relation=link.relation,
                    applicable=behind.applicable if behind else None,
                    status=behind.status if behind else ImplementationStatus.NOT_STARTED,
                )
            )
        entry = entries.get(control.pk)
        verdict = max(_verdict_from_links(basis), _verdict_in_own_right(entry), key=_RANK.__getitem__)
        rows.append(
            GapRow(
                control=control,
                entry=entry,
                verdict=verdict,
                ai_specific=not control.target_links,
                basis=basis,
            )
        )
    return GapAnalysis(rows=rows)


#: The method, as the page and the API state it: the docstring above.
METHOD = inspect.cleandoc(gap_analysis_for.__doc__)
