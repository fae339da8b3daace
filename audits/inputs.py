"""A management review's inputs (``selectors.management_review_inputs``, stored on
the review) as sections a person reads: one per input 9.3.2 of both standards asks
for, each with a few labelled figures. Reads the stored dictionary only, so the
minutes show the inputs as they were taken."""

import datetime
from dataclasses import dataclass, field

from risks.models import Level
from soa.models import ImplementationStatus

from .models import AuditType, Result, Severity


@dataclass
class Figure:
    label: str
    value: object
    tone: str = ""  # "bad", "warn", "good" or ""


@dataclass
class InputSection:
    key: str
    title: str
    clause: str
    figures: list[Figure] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the audits closed since the previous review
    empty: str = ""


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _moment(value) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def inputs_summary(inputs: dict) -> dict:
    """``{"as_of", "previous_review", "sections": [InputSection]}``; empty inputs give no sections."""
    if not inputs:
        return {"as_of": None, "previous_review": None, "sections": []}
    sections = []

    actions = inputs.get("previous_actions", {})
    section = InputSection(
        "previous_actions", "Actions from previous management reviews", "9.3.2 a", empty="No earlier review."
    )
    if actions.get("total"):
        section.figures = [
            Figure("Actions", actions["total"]),
            Figure("Open", actions.get("open", 0)),
            Figure("In progress", actions.get("in_progress", 0)),
            Figure("Done", actions.get("done", 0)),
            Figure(
                "Verified effective",
                actions.get("verified_effective", 0),
                "good" if actions.get("verified_effective") else "",
            ),
            Figure("Overdue", actions.get("overdue", 0), "bad" if actions.get("overdue") else ""),
        ]
    elif inputs.get("previous_review"):
        section.empty = "The previous review decided no actions."
    sections.append(section)

    section = InputSection(
        "audits",
        "Audit results since the previous review",
        "9.3.2 d",
        empty="No audit closed in the period.",
    )
    for audit in inputs.get("audits", []):
        results = audit.get("results", {})
        section.rows.append(
            {
                "reference": audit["reference"],
                "title": audit["title"],
                "type": AuditType(audit["type"]).label
                if audit["type"] in AuditType.values
                else audit["type"],
                "frameworks": audit.get("frameworks", []),
                "closed": _day(audit.get("actual_end")),
                "results": [
                    {"label": Result(value).label, "value": value, "count": results.get(value, 0)}
                    for value in Result.values
                ],
            }
        )
    sections.append(section)

    nonconformities = inputs.get("nonconformities", {})
    section = InputSection("nonconformities", "Nonconformities and corrective actions", "9.3.2 d")
    for severity in (Severity.MAJOR_NC, Severity.MINOR_NC):
        counts = nonconformities.get(severity.value, {"open": 0, "closed": 0})
        section.figures.append(
            Figure(f"{severity.label}: open", counts["open"], "bad" if counts["open"] else "")
        )
        section.figures.append(Figure(f"{severity.label}: closed", counts["closed"]))
    sections.append(section)

    risks = inputs.get("risks", {})
    section = InputSection("risks", "Risk assessment and treatment", "9.3.2 f")
    by_level = risks.get("by_level", {})
    section.figures = [Figure("Open risks", risks.get("open", 0))]
    for level in reversed(Level.values):
        tone = "bad" if level in (Level.CRITICAL, Level.HIGH) and by_level.get(level) else ""
        section.figures.append(Figure(Level(level).label, by_level.get(level, 0), tone))
    section.figures += [
        Figure("Accepted", risks.get("accepted", 0)),
        Figure(
            "Review overdue", risks.get("review_overdue", 0), "warn" if risks.get("review_overdue") else ""
        ),
    ]
    sections.append(section)

    assessments = inputs.get("impact_assessments", {})
    section = InputSection("impact_assessments", "AI system impact assessments", "42001 6.1.4, 8.4")
    total, signed = assessments.get("total", 0), assessments.get("signed_off", 0)
    section.figures = [
        Figure("Assessments", total),
        Figure("Signed off", signed, "good" if total and signed == total else ""),
        Figure("Not signed off", total - signed, "warn" if total - signed else ""),
    ]
    sections.append(section)

    soa = inputs.get("soa", {})
    section = InputSection("soa", "Statement of Applicability", "6.1.3 d")
    if soa.get("version"):
        approved = _moment(soa.get("version_approved_at"))
        section.figures.append(
            Figure(
                "Approved version", f"{soa['version']} ({approved:%d %b %Y})" if approved else soa["version"]
            )
        )
        section.figures.append(Figure("Applicable in it", soa.get("version_applicable", 0)))
        implemented = soa.get("version_implemented", 0)
        section.figures.append(Figure("Implemented in it", implemented, "good" if implemented else ""))
    else:
        section.figures.append(Figure("Approved version", "None yet", "warn"))
    section.figures.append(Figure("Applicable now", soa.get("live_applicable", 0)))
    by_status = soa.get("live_by_status", {})
    for status in reversed(ImplementationStatus.values):
        section.figures.append(Figure(ImplementationStatus(status).label, by_status.get(status, 0)))
    undecided = soa.get("live_undecided", 0)
    section.figures.append(Figure("Not decided", undecided, "warn" if undecided else ""))
    sections.append(section)

    return {
        "as_of": _day(inputs.get("as_of")),
        "previous_review": _day(inputs.get("previous_review")),
        "sections": sections,
    }
