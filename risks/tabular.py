"""The risk register as CSV/XLSX: which columns, how cells become values, and
importing a file all or nothing (files themselves: ``core.tabular``).

Choices are exported as codes and imported as codes or labels. Owners are
members (username or email). Affected assets are listed by identifier and
treatment controls as ``ISO27001:8.28; ISO42001:A.6.2.8``, separated by ``;``.
Ratings are numbers on the methodology's scales (a scale label works too).
Scores, levels and who accepted are exported for reading and ignored on
import: they follow from the ratings and from who imports. An export
imported into an organization with the same members, assets and methodology
reproduces the register.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Lower

from core.registers.imports import ImportRow, TableImport
from core.registers.members import members_by_handle
from core.tabular import Column, Row, choice_lookup
from core.types import Actor
from organizations.models import Organization

from . import selectors
from .models import Category, HarmArea, Risk, RiskMethodology, RiskStatus, Treatment
from .services.bulk import RiskDraft, risk_bulk_create, risk_bulk_validate

_CHOICES = {"category": Category, "ai_harm_area": HarmArea, "treatment": Treatment, "status": RiskStatus}
_BOOLEANS = ("affects_confidentiality", "affects_integrity", "affects_availability")
_RATINGS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
EXPORT_ONLY = (
    "inherent_score",
    "inherent_level",
    "residual_score",
    "residual_level",
    "accepted_by",
    "accepted_at",
)
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}
_REFERENCE = re.compile(r"^R-?(\d{1,6})$", re.I)


def _label(key: str) -> str:
    return str(Risk._meta.get_field(key).verbose_name)


def _column(key: str, help_text: str, *, required: bool = False, width: int = 0, label: str = "") -> Column:
    label = label or _label(key)
    choices = tuple(_CHOICES[key].values) if key in _CHOICES else (("yes", "no") if key in _BOOLEANS else ())
    return Column(
        key=key, header=key, help=help_text, required=required, choices=choices, aliases=(label,), width=width
    )


RISK_COLUMNS: list[Column] = [
    _column(
        "reference", "R-001…; the next free one when empty. Existing references are refused.", label="ref"
    ),
    _column("title", "What could go wrong, in a line.", required=True, width=40),
    _column("category", "information_security, ai or both.", required=True),
    _column("description", "The scenario in a few lines.", width=40),
    _column("owner", "Username or email of the member who owns the risk.", required=True),
    _column("threat", "Information security risks: the threat.", width=24),
    _column("vulnerability", "Information security risks: the weakness exploited.", width=24),
    _column("affects_confidentiality", "yes or no."),
    _column("affects_integrity", "yes or no."),
    _column("affects_availability", "yes or no."),
    _column("ai_harm_area", "AI risks: where the harm is done."),
    _column(
        "assets",
        "Affected assets by identifier, separated by ;, e.g. AST-0001; AST-0004.",
        width=24,
        label="affected assets",
    ),
    _column("inherent_likelihood", "A number on the likelihood scale (or its label).", required=True),
    _column("inherent_impact", "A number on the impact scale (or its label).", required=True),
    _column("inherent_score", "Export only: likelihood times impact."),
    _column("inherent_level", "Export only: the level of the inherent score."),
    _column("treatment", "The treatment decision."),
    _column(
        "controls",
        "Treatment controls separated by ;, e.g. ISO27001:8.28; ISO42001:A.6.2.8.",
        width=32,
        label="treatment controls",
    ),
    _column("treatment_plan", "How the risk is treated.", width=40),
    _column("residual_likelihood", "After treatment; empty when not rated yet."),
    _column("residual_impact", "After treatment; empty when not rated yet."),
    _column("residual_rationale", "Why the residual rating is what it is.", width=32),
    _column("residual_score", "Export only."),
    _column("residual_level", "Export only."),
    _column("status", "accepted only if you may approve: you become the one who accepted it."),
    _column("next_review_date", "YYYY-MM-DD; empty: the methodology's review interval from today."),
    _column("acceptance_justification", "Why the risk is accepted (status accepted).", width=32),
    _column("accepted_by", "Export only.", label="accepted by"),
    _column("accepted_at", "Export only.", label="accepted at"),
]


# --- Export ----------------------------------------------------------------------


def risk_export_rows(queryset: QuerySet[Risk]) -> Iterator[list]:
    """One list of cell values per risk, in ``RISK_COLUMNS`` order.

    ``queryset`` should come from ``selectors.risks_with_links`` (with ``accepted_by``).
    """
    for risk in queryset:
        row = []
        for column in RISK_COLUMNS:
            key = column.key
            if key == "reference":
                row.append(risk.reference)
            elif key == "owner":
                row.append(risk.owner.username)
            elif key in _BOOLEANS:
                row.append("yes" if getattr(risk, key) else "no")
            elif key == "assets":
                row.append("; ".join(link.asset.identifier for link in risk.asset_links.all()))
            elif key == "controls":
                row.append(
                    "; ".join(selectors.control_label(link.control) for link in risk.control_links.all())
                )
            elif key == "accepted_by":
                row.append(risk.accepted_by.username if risk.accepted_by else "")
            elif key == "accepted_at":
                row.append(risk.accepted_at.isoformat(timespec="seconds") if risk.accepted_at else "")
            elif key == "next_review_date":
                row.append(risk.next_review_date.isoformat() if risk.next_review_date else "")
            else:
                value = getattr(risk, key)
                row.append("" if value is None else value)
        yield row


# --- Import ----------------------------------------------------------------------


_LOOKUPS = {key: choice_lookup(choices) for key, choices in _CHOICES.items()}


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def _rating(text: str, labels: list[str]) -> int | None:
    if text.isdigit():
        return int(text)
    lowered = [label.lower() for label in labels]
    head = text.split(" — ")[0].split(" - ")[0].strip()
    if head.isdigit():
        return int(head)
    if text.lower() in lowered:
        return lowered.index(text.lower()) + 1
    return None


@dataclass
class _Context:
    members: dict
    assets: dict
    controls: dict
    methodology: RiskMethodology


def _context(organization: Organization, rows: list[Row]) -> _Context:
    asset_refs = {ref.lower() for row in rows for ref in _split(row.get("assets"))}
    assets = {
        a.identifier.lower(): a
        for a in selectors.risk_assets_for(organization)
        .annotate(identifier_lower=Lower("identifier"))
        .filter(identifier_lower__in=sorted(asset_refs))
    }
    labels = sorted({ref for row in rows for ref in _split(row.get("controls"))})
    controls, _ = selectors.controls_by_label(labels)
    return _Context(
        members=members_by_handle(organization),
        assets=assets,
        controls=controls,
        methodology=selectors.methodology_for(organization),
    )


def _draft_from_row(row: Row, ctx: _Context) -> tuple[RiskDraft, dict[str, list[str]]]:
    values: dict = {}
    draft = RiskDraft(values=values)
    problems: dict[str, list[str]] = defaultdict(list)
    for column in RISK_COLUMNS:
        key = column.key
        if key not in row.cells or key in EXPORT_ONLY:
            continue
        text = row.get(key)
        if key == "reference":
            if text:
                match = _REFERENCE.match(text)
                if match and int(match.group(1)) > 0:
                    draft.number = int(match.group(1))
                else:
                    problems[key].append(f"“{text}” is not a risk reference such as R-001.")
        elif key == "owner":
            user = ctx.members.get(text.lower()) if text else None
            if not text:
                problems[key].append("Give the owner's username or email.")
            elif user is None:
                problems[key].append(f"No member of this organization has the username or email “{text}”.")
            else:
                values[key] = user
        elif key in _BOOLEANS:
            if text.lower() in _TRUE:
                values[key] = True
            elif text.lower() in _FALSE:
                values[key] = False
            else:
                problems[key].append(f"“{text}” is neither yes nor no.")
        elif key in _RATINGS:
            labels = (
                ctx.methodology.likelihood_labels if "likelihood" in key else ctx.methodology.impact_labels
            )
            if not text:
                values[key] = None
                continue
            rating = _rating(text, labels)
            if rating is None:
                problems[key].append(f"“{text}” is not on the scale: use a number from 1 to {len(labels)}.")
            else:
                values[key] = rating
        elif key in _CHOICES:
            if not text:
                if key == "category":
                    problems[key].append("Give the category: information_security, ai or both.")
                else:
                    values[key] = "" if key != "status" else RiskStatus.IDENTIFIED
                continue
            value = _LOOKUPS[key].get(text.lower())
            if value is None:
                problems[key].append(f"“{text}” is not one of {', '.join(_CHOICES[key].values)}.")
            else:
                values[key] = value
        elif key == "assets":
            for ref in _split(text):
                asset = ctx.assets.get(ref.lower())
                if asset is None:
                    problems[key].append(f"No asset “{ref}” in this organization.")
                else:
                    draft.assets.append(asset)
        elif key == "controls":
            for label in _split(text):
                control = ctx.controls.get(label)
                if control is None:
                    problems[key].append(
                        f"“{label}” is not a control; write e.g. ISO27001:8.28 or ISO42001:A.6.2.8."
                    )
                else:
                    draft.controls.append(control)
        elif key == "next_review_date":
            if not text:
                values[key] = None
                continue
            try:
                values[key] = datetime.date.fromisoformat(text[:10])
            except ValueError:
                problems[key].append(f"“{text}” is not a date; write YYYY-MM-DD.")
        elif key == "acceptance_justification":
            draft.acceptance_justification = text
        else:
            values[key] = text
    if "title" in row.cells and not row.get("title"):
        problems["title"].append("Give the risk a title.")
    return draft, {k: v for k, v in problems.items() if v}


class RiskTableImport(TableImport):
    """The register's import: cells to ``RiskDraft``s, checked and created by the bulk services."""

    columns = RISK_COLUMNS

    def context(self, organization, rows):
        return _context(organization, rows)

    def draft_from_row(self, row, context):
        return _draft_from_row(row, context)

    def validate(self, *, organization, actor: Actor, drafts, errors, item_names):
        # A reference used twice is named by its row in the file ("row 1"), not by the line.
        return risk_bulk_validate(organization=organization, actor=actor, drafts=drafts, errors=errors)

    def create(self, *, organization, actor: Actor, drafts, reason):
        return risk_bulk_create(organization=organization, actor=actor, drafts=drafts, reason=reason)

    def tallies(self, rows: list[ImportRow]) -> list[tuple[str, int]]:
        return [
            ("AI risks", sum(1 for r in rows if r.record.category in (Category.AI, Category.BOTH))),
            ("Control links", sum(len(r.draft.controls) for r in rows)),
        ]


RISK_IMPORT = RiskTableImport()
#: Check every row of an uploaded file as one batch; writes nothing.
risk_import_preview = RISK_IMPORT.preview
#: Create a risk per row, with its links, or nothing (``ImportRefused`` lists every problem).
risk_import = RISK_IMPORT.write
