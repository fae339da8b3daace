"""What each section of the audit pack prints: reads of the audit's organization only, each in a
fixed number of queries whatever the number of rows. A long section's rows are listed once, when
the pack is planned (``*_ids``: their ids in the section's order), and each part prints the ids
the plan gave it (``*_context(scope, ids, start)``), so that records added, deleted or renamed
while the parts render never make a part skip or repeat one.

"As of the audit": the audited SoA version is frozen, so its rows are exactly what was audited.
The registers (risks, assets, impact assessments) keep no point-in-time state; the pack prints the
records that existed by the end of the audit's last day (``actual_end``, once the audit has ended)
as they stand now — the rule of the management review inputs (docs/decisions/0013).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from assets.models import AI_KINDS, Asset, AssetKind
from controls.models import Framework
from risks import selectors as risk_selectors
from risks.models import ImpactAssessment, ImpactItem, ImpactReviewer, Risk, RiskControl
from soa import documents as soa_documents
from soa.gap_analysis import gap_analysis_for, gap_analysis_of_version
from soa.versions import row_payload

from .. import selectors
from ..models import Audit, CorrectiveAction, Finding, Result


@dataclass(frozen=True)
class Scope:
    """The audit and the moment its registers are read at."""

    audit: Audit
    #: The end of the audit's last day; ``None`` while it runs: the registers as they stand.
    as_of: datetime.datetime | None

    @property
    def organization(self):
        return self.audit.organization

    @property
    def as_of_label(self) -> str:
        if self.as_of is None:
            return "the registers as they stood when this pack was generated"
        return f"records that existed by the end of {self.audit.actual_end:%Y-%m-%d}, the audit's last day"


def scope_of(audit: Audit) -> Scope:
    end = None
    if audit.actual_end is not None:
        end = timezone.make_aware(
            datetime.datetime.combine(audit.actual_end + datetime.timedelta(days=1), datetime.time())
        )
    return Scope(audit=audit, as_of=end)


def _existing(queryset: QuerySet, scope: Scope) -> QuerySet:
    return queryset if scope.as_of is None else queryset.filter(created_at__lt=scope.as_of)


def _ids(queryset: QuerySet) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _planned(queryset: QuerySet, ids) -> list:
    """The rows of ``queryset`` with these ids, in the plan's order; a row deleted since is left out."""
    found = queryset.in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


# --- Scope, checklist, findings ---------------------------------------------------------------


def scope_context(scope: Scope) -> dict:
    audit = scope.audit
    frameworks = selectors.frameworks_in_scope(audit)
    version = audit.soa_version
    return {
        "audit": audit,
        "frameworks": frameworks,
        "themes": sorted(audit.themes.all(), key=lambda g: (g.framework.order, g.order)),
        "limited_assets": sorted(audit.assets.all(), key=lambda a: (a.identifier, a.name)),
        "team": list(audit.team_members.all()),
        "version": version,
        "as_of_label": scope.as_of_label,
    }


RESULT_ORDER = ["", *Result.values]
RESULT_LABELS = {"": "Not recorded", **dict(Result.choices)}


def checklist_context(scope: Scope) -> dict:
    audit = scope.audit
    counts = selectors.checklist_results(audit)
    items = list(selectors.checklist_of(audit))
    total = sum(counts.values())
    return {
        "items": items,
        "clause_items": [i for i in items if i.clause_id],
        "control_items": [i for i in items if i.control_id],
        "counts": [
            {
                "result": value,
                "label": RESULT_LABELS[value],
                "count": counts[value],
                "percent": round(100.0 * counts[value] / total, 1) if total else 0.0,
            }
            for value in RESULT_ORDER
        ],
        "total": total,
    }


def findings_context(scope: Scope) -> dict:
    actions = CorrectiveAction.objects.select_related("owner", "verified_by").order_by("number")
    findings = list(
        Finding.objects.filter(audit=scope.audit)
        .select_related(
            "checklist_item__clause__framework",
            "checklist_item__counterpart_clause__framework",
            "checklist_item__control__framework",
            "closed_by",
        )
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("number")
    )
    by_severity = {value: 0 for value in Result.values if value != Result.CONFORMING}
    for finding in findings:
        by_severity[finding.severity] += 1
    return {
        "findings": findings,
        "by_severity": [(RESULT_LABELS[value], n) for value, n in by_severity.items()],
        "open_count": sum(1 for f in findings if f.status == "open"),
        "action_count": sum(len(f.actions.all()) for f in findings),
    }


# --- The audited SoA version --------------------------------------------------------------------


def soa_rows(scope: Scope):
    version = scope.audit.soa_version
    return version.rows.order_by("position") if version is not None else None


def soa_ids(scope: Scope) -> list[int]:
    rows = soa_rows(scope)
    return _ids(rows) if rows is not None else []


def soa_context(scope: Scope, ids, start: int) -> dict:
    version = scope.audit.soa_version
    if version is None:
        return {"version": None, "standards": [], "first": True}
    payloads = [row_payload(row) for row in _planned(soa_rows(scope), ids)]
    return {
        "version": version,
        "standards": soa_documents.printed_standards(payloads),
        "first": start == 0,
        "chart_width": soa_documents.CHART_WIDTH,
    }


def soa_summary(scope: Scope) -> list[dict]:
    """Per standard: rows, applicable, implemented (one query), for the section's first page."""
    version = scope.audit.soa_version
    if version is None:
        return []
    names = dict(Framework.objects.values_list("code", "name"))
    rows = (
        version.rows.order_by()
        .values("framework")
        .annotate(
            n_total=Count("id"),
            n_applicable=Count("id", filter=Q(applicable=True)),
            n_excluded=Count("id", filter=Q(applicable=False)),
            n_implemented=Count("id", filter=Q(applicable=True, status="implemented")),
        )
    )
    return sorted(
        ({**row, "name": names.get(row["framework"], row["framework"])} for row in rows),
        key=lambda row: row["framework"],
    )


# --- Risks ----------------------------------------------------------------------------------------


def risks_queryset(scope: Scope) -> QuerySet[Risk]:
    return _existing(Risk.objects.for_organization(scope.organization), scope)


def risks_ids(scope: Scope) -> list[int]:
    return _ids(risks_queryset(scope).order_by("number", "id"))


def risks_overview(scope: Scope) -> dict:
    """The heat maps (the SVG of the risk pages) and the counts by level (three queries)."""
    methodology = risk_selectors.methodology_for(scope.organization)
    queryset = risks_queryset(scope)
    inherent, residual = risk_selectors.heat_maps(
        scope.organization, queryset=queryset, methodology=methodology
    )
    by_status = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "methodology": methodology,
        "inherent": inherent,
        "residual": residual,
        "by_status": [
            (label, by_status.get(value, 0)) for value, label in Risk._meta.get_field("status").choices
        ],
    }


def risks_context(scope: Scope, ids, start: int) -> dict:
    risks = _planned(risks_queryset(scope).select_related("owner"), ids)
    controls: dict[int, list[str]] = {}
    for risk_id, reference in (
        RiskControl.objects.filter(risk__in=[r.pk for r in risks])
        .order_by("control__framework__order", "control__order")
        .values_list("risk_id", "control__reference")
    ):
        controls.setdefault(risk_id, []).append(reference)
    for risk in risks:
        risk.control_refs = controls.get(risk.pk, [])
    return {"risks": risks, "first": start == 0, "offset": start}


# --- Assets -----------------------------------------------------------------------------------------


def assets_queryset(scope: Scope) -> QuerySet[Asset]:
    return _existing(Asset.objects.for_organization(scope.organization), scope)


def ai_systems_queryset(scope: Scope) -> QuerySet[Asset]:
    return assets_queryset(scope).filter(kind__in=list(AI_KINDS))


def assets_ids(scope: Scope) -> list[int]:
    return _ids(assets_queryset(scope).order_by("identifier", "name", "id"))


def ai_systems_ids(scope: Scope) -> list[int]:
    return _ids(ai_systems_queryset(scope).order_by("identifier", "name", "id"))


def assets_overview(scope: Scope) -> dict:
    by_kind = dict(assets_queryset(scope).order_by().values_list("kind").annotate(n=Count("id")))
    return {
        "by_kind": [
            {"label": kind.label, "count": by_kind[kind.value], "is_ai": kind in AI_KINDS}
            for kind in AssetKind
            if by_kind.get(kind.value)
        ],
        "total": sum(by_kind.values()),
    }


def assets_context(scope: Scope, ids, start: int) -> dict:
    return {"assets": _planned(assets_queryset(scope).select_related("owner"), ids), "first": start == 0}


def ai_systems_context(scope: Scope, ids, start: int) -> dict:
    # An asset counted as an AI system when planned stays in its run even if its kind changed since.
    systems = _planned(assets_queryset(scope).select_related("owner"), ids)
    return {"systems": systems, "first": start == 0}


# --- Impact assessments, gap analysis ---------------------------------------------------------------


def impact_context(scope: Scope) -> dict:
    items = ImpactItem.objects.select_related("risk").order_by("id")
    reviewers = ImpactReviewer.objects.select_related("user").order_by("id")
    assessments = list(
        _existing(risk_selectors.latest_assessments(scope.organization), scope).prefetch_related(
            Prefetch("items", queryset=items), Prefetch("reviewer_links", queryset=reviewers)
        )
    )
    return {
        "assessments": assessments,
        "signed_off": sum(1 for a in assessments if a.status == "signed_off"),
        "ai_systems_without": _existing(risk_selectors.ai_systems_for(scope.organization), scope)
        .exclude(pk__in=ImpactAssessment.objects.values("ai_system_id"))
        .values_list("name", flat=True),
    }


def gap_context(scope: Scope) -> dict:
    version = scope.audit.soa_version
    analysis = (
        gap_analysis_of_version(version) if version is not None else gap_analysis_for(scope.organization)
    )
    return {"analysis": analysis, "version": version}
