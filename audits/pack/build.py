"""The audit pack (``audit_pack``): one PDF per request, built in parts (docs/decisions/0015).

The documents machinery (docs/decisions/0011 and the split builds of ``documents.registry.Parts``)
calls ``plan`` for the part keys in document order, ``render`` for each part (on several workers
when the pack is large) and ``assemble`` to merge them behind a cover, the document control block
and a table of contents with continuous page numbers (``documents.pdf.pdf_assemble``).

A part key names what it prints: ``scope``, ``checklist``, ``findings``, ``impact``, ``gap`` (one
part each); ``soa``, ``risks``, ``assets`` (the section's first pages: summary, heat maps) followed
by ``soa:0-1000``, ``risks:1000-2000``, ``assets:0-1000``, ``ai:0-40`` — rows ``start`` to ``end``
of the section's register in its order when the pack was planned. The plan lists each register's
ids once and gives every run its own (``registry.PlannedPart.rows``): a part prints those, so the
rows present when the pack was planned each appear exactly once, whatever is added, deleted or
renamed while the parts render. Parts are sized by cost so that parallel parts take about the same
time: ``AUDIT_PACK_ROWS_PER_PART`` asset rows, or as many rows of another register as cost the same
to lay out (``RowPart.cost``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from core.roles import Capability
from documents import registry
from documents.models import GeneratedDocument
from documents.pdf import pdf_render

from ..models import Audit
from . import content

KIND = "audit_pack"
#: The pack's build, part and assembly tasks have a queue and workers of their own (docker-compose's
#: pack-worker): a pack of hundreds of pages never holds up a small PDF on ``pdf`` (decision 0015).
QUEUE = "packs"


@dataclass(frozen=True)
class PackSection:
    code: str
    title: str
    #: What the section is, in a line (the page's checkbox list and the pack's contents page).
    description: str
    template: str
    orientation: str = "portrait"
    #: ``context(scope)`` of the section's one part, or of its first part when it has rows.
    context: Callable | None = None
    #: The registers whose rows follow the first part (``RowPart``).
    rows: tuple = ()


@dataclass(frozen=True)
class RowPart:
    key: str
    template: str
    #: ``ids(scope)``: the register's ids in print order, read once by the plan.
    ids: Callable
    #: ``context(scope, ids, start)``: a run of those ids, the first being row ``start``.
    context: Callable
    label: str
    #: CPU per row relative to an asset row (WeasyPrint layout; docs/performance.md, "Audit pack"):
    #: a part holds ``AUDIT_PACK_ROWS_PER_PART / cost`` rows, so parallel parts take about as long.
    cost: float = 1.0

    def part_size(self) -> int:
        return max(1, int(rows_per_part() / self.cost))


SECTIONS: tuple[PackSection, ...] = (
    PackSection(
        "scope",
        "Audit scope, objectives and team",
        "Type, standards, scope limits, objectives, criteria, team, dates and the SoA version audited.",
        "audits/pack/scope.html",
        context=content.scope_context,
    ),
    PackSection(
        "checklist",
        "Checklist results",
        "Every clause and control checked, with its result, notes and evidence; counts by result.",
        "audits/pack/checklist.html",
        context=content.checklist_context,
    ),
    PackSection(
        "soa",
        "Statement of Applicability (audited version)",
        "The approved SoA version fixed when the audit started, every row as approved.",
        "audits/pack/soa.html",
        orientation="landscape",
        context=lambda scope: {"summary": content.soa_summary(scope), "version": scope.audit.soa_version},
        rows=(
            RowPart(
                "soa",
                "audits/pack/soa_rows.html",
                content.soa_ids,
                content.soa_context,
                "SoA rows",
                cost=6.0,  # the SoA PDF's tables, several lines a row; estimated, not measured
            ),
        ),
    ),
    PackSection(
        "risks",
        "Risk register",
        "Inherent and residual heat maps and every risk with its levels, owner and treatment.",
        "audits/pack/risks.html",
        orientation="landscape",
        context=content.risks_overview,
        rows=(
            RowPart(
                "risks",
                "audits/pack/risks_rows.html",
                content.risks_ids,
                content.risks_context,
                "Risks",
                cost=1.3,
            ),
        ),
    ),
    PackSection(
        "assets",
        "Asset inventory and AI systems",
        "Every asset with its classification and ratings, and each AI system with its AI fields.",
        "audits/pack/assets.html",
        orientation="landscape",
        context=content.assets_overview,
        rows=(
            RowPart(
                "assets",
                "audits/pack/assets_rows.html",
                content.assets_ids,
                content.assets_context,
                "Assets",
            ),
            RowPart(
                "ai",
                "audits/pack/ai_rows.html",
                content.ai_systems_ids,
                content.ai_systems_context,
                "AI systems",
                cost=2.0,
            ),
        ),
    ),
    PackSection(
        "impact",
        "AI system impact assessments",
        "The latest assessment of each AI system: its impacts, ratings, mitigations and sign-off.",
        "audits/pack/impact.html",
        context=content.impact_context,
    ),
    PackSection(
        "gap",
        "Gap analysis: ISO/IEC 27001 to ISO/IEC 42001",
        "What ISO/IEC 42001 adds to the ISO/IEC 27001 decisions of the audited SoA version.",
        "audits/pack/gap.html",
        context=content.gap_context,
    ),
    PackSection(
        "findings",
        "Findings and corrective actions",
        "Each finding of the audit with its corrective actions, their status and verification.",
        "audits/pack/findings.html",
        context=content.findings_context,
    ),
)
SECTION_CODES = tuple(s.code for s in SECTIONS)
_BY_CODE = {s.code: s for s in SECTIONS}
_ROWS = {row.key: (section, row) for section in SECTIONS for row in section.rows}


def section_choices() -> list[PackSection]:
    return list(SECTIONS)


def rows_per_part() -> int:
    """Asset rows per part; the other registers' parts hold rows of the same total cost."""
    return max(1, int(settings.AUDIT_PACK_ROWS_PER_PART))


# --- Parameters -----------------------------------------------------------------------------------


def _one(raw):
    return raw[0] if isinstance(raw, list) and len(raw) == 1 else raw


def pack_parameters(values: dict, organization) -> dict:
    """``{"audit": id, "sections": [code, …]}``: one of the organization's audits and the
    sections wanted, in the order wanted (all of them, in the standard order, by default)."""
    unknown = sorted(set(values) - {"audit", "sections"})
    if unknown:
        raise ValidationError(
            {"parameters": f"Unknown parameter(s): {', '.join(unknown)}. Use: audit, sections."}
        )
    raw = _one(values.get("audit"))
    try:
        audit_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"audit": "Give the id of one of this organization's audits."}) from None
    if not Audit.objects.for_organization(organization).filter(pk=audit_id).exists():
        raise Http404("No such audit")  # another organization's audit is 404, as its packs are
    wanted = values.get("sections")
    if wanted in (None, "", []):
        codes = list(SECTION_CODES)
    else:
        if isinstance(wanted, str):
            wanted = wanted.split(",")
        if not isinstance(wanted, list) or not all(isinstance(code, str) for code in wanted):
            raise ValidationError({"sections": f"Give a list of section codes: {', '.join(SECTION_CODES)}."})
        codes = list(dict.fromkeys(code.strip() for code in wanted if code.strip()))
        bad = [code for code in codes if code not in _BY_CODE]
        if bad:
            raise ValidationError(
                {
                    "sections": f"Unknown section(s): {', '.join(bad)}. "
                    f"Valid sections: {', '.join(SECTION_CODES)}."
                }
            )
        if not codes:
            raise ValidationError({"sections": f"Choose at least one of: {', '.join(SECTION_CODES)}."})
    return {"audit": audit_id, "sections": codes}


def _audit_label(parameters: dict) -> str:
    number = Audit.objects.filter(pk=parameters.get("audit")).values_list("number", flat=True).first()
    return f"AUD-{number}" if number is not None else f"audit {parameters.get('audit')}"


def pack_title(parameters: dict) -> str:
    return f"Audit pack, {_audit_label(parameters)}"


def pack_filename(parameters: dict) -> str:
    return f"audit-pack-{_audit_label(parameters).lower()}.pdf"


# --- Plan, render, assemble ---------------------------------------------------------------------


def _audit_of(document: GeneratedDocument) -> Audit:
    audit = (
        Audit.objects.for_organization(document.organization)
        .select_related("organization", "lead_auditor", "soa_version__approved_by")
        .filter(pk=document.parameters.get("audit"))
        .first()
    )
    if audit is None:
        raise registry.DocumentBuildError(
            "The audit this pack was requested for no longer exists in this organization."
        )
    return audit


def _sections_of(document: GeneratedDocument) -> list[PackSection]:
    return [
        _BY_CODE[code] for code in document.parameters.get("sections") or SECTION_CODES if code in _BY_CODE
    ]


def plan(document: GeneratedDocument) -> list[registry.PlannedPart]:
    """The parts in document order, each run of rows with its rows' ids: one query per register
    (its ids in print order), nothing rendered."""
    scope = content.scope_of(_audit_of(document))
    parts: list[registry.PlannedPart] = []
    for section in _sections_of(document):
        parts.append(registry.PlannedPart(section.code))
        for row in section.rows:
            ids, size = row.ids(scope), row.part_size()
            for start in range(0, len(ids), size):
                run = tuple(ids[start : start + size])
                parts.append(registry.PlannedPart(f"{row.key}:{start}-{start + len(run)}", run))
    return parts


def _parse(key: str) -> tuple[PackSection, RowPart | None, int, int]:
    code, _, span = key.partition(":")
    if not span:
        return _BY_CODE[code], None, 0, 0
    section, row = _ROWS[code]
    start, end = (int(n) for n in span.split("-"))
    return section, row, start, end


def part_title(key: str) -> str:
    section, row, start, end = _parse(key)
    if row is None:
        return section.title
    return f"{row.label} {start + 1:,}\u2013{end:,}"  # an en dash, as in print


def _numbered(document: GeneratedDocument) -> dict[str, int]:
    return {section.code: n for n, section in enumerate(_sections_of(document), start=1)}


def render(document: GeneratedDocument, key: str, rows: tuple[int, ...]) -> bytes:
    """One part as PDF bytes (no page-number footer: the merge numbers the pages); a run of rows
    prints ``rows``, the ids its plan gave it."""
    audit = _audit_of(document)
    scope = content.scope_of(audit)
    section, row, start, _ = _parse(key)
    if row is None:
        context, template = section.context(scope), section.template
    else:
        context, template = row.context(scope, rows, start), row.template
    number = _numbered(document).get(section.code, 0)
    return pdf_render(
        template,
        {
            **context,
            "organization": audit.organization,
            "audit": audit,
            "title": pack_title(document.parameters),
            "section": section,
            "section_number": number,
            "part_title": part_title(key),
            "row_start": start,
            "orientation": section.orientation,
        },
        document=document,
    )


def _toc_title(document: GeneratedDocument, key: str) -> tuple[str, int]:
    section, row, _, _ = _parse(key)
    if row is None:
        return f"{_numbered(document).get(section.code, 0)}. {section.title}", 1
    return part_title(key), 2


def assemble(document: GeneratedDocument, parts: list[tuple[str, bytes]]) -> bytes:
    from documents.pdf import Section, pdf_assemble

    audit = _audit_of(document)
    sections = []
    for key, pdf in parts:
        title, level = _toc_title(document, key)
        sections.append(Section(title=title, pdf=pdf, level=level))
    title = pack_title(document.parameters)
    return pdf_assemble(
        front=lambda toc: render_front(document, audit, toc),
        sections=sections,
        title=title,
        footer=f"{audit.organization.name} · {{title}} · Page {{page}} of {{pages}}",
    )


def render_front(document: GeneratedDocument, audit: Audit, toc) -> bytes:
    """The cover, the document control block and the table of contents."""
    scope = content.scope_of(audit)
    return pdf_render(
        "audits/pack/front.html",
        {
            "organization": audit.organization,
            "audit": audit,
            "title": pack_title(document.parameters),
            "frameworks": content.selectors.frameworks_in_scope(audit),
            "sections": _sections_of(document),
            "toc": toc,
            "as_of_label": scope.as_of_label,
            "version": audit.soa_version,
            "orientation": "portrait",
        },
        document=document,
    )


def register_builders() -> None:
    from documents.registry import Parts

    registry.register(
        KIND,
        None,
        parts=Parts(plan=plan, render=render, assemble=assemble),
        title=pack_title,
        description="Audit pack — one audit's scope, checklist, SoA, registers and findings (PDF)",
        content_type="application/pdf",
        filename=pack_filename,
        capability=Capability.EXPORT,
        parameters=pack_parameters,
        queue=QUEUE,
    )
