"""The Statement of Applicability as generated documents, built by a worker (docs/decisions/0011):

- ``soa_version_pdf`` — an approved version (parameters ``{"version": <number>}``), the copy an
  auditor is handed: document control block with the rows' SHA-256, scope, a summary per standard
  with a coverage chart, every row grouped by theme or objective, and the rows embedded as JSON;
- ``soa_draft_pdf`` — the live table, the same layout, watermarked DRAFT on every page and
  marked as not approved.

Building reads only: a version stays frozen, the live rows are copied in memory
(``versions.version_row_from_entry``) and never saved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from controls.models import Framework, Mapping
from core.roles import Capability
from core.types import Actor
from documents import registry
from documents import services as document_services
from documents.models import GeneratedDocument
from documents.pdf import JSONAttachment, pdf_render

from . import selectors
from .models import ImplementationStatus, ReasonKind, SoAVersion
from .versions import row_payload, rows_digest, version_row_from_entry

VERSION_PDF = "soa_version_pdf"
DRAFT_PDF = "soa_draft_pdf"
ATTACHMENT_NAME = "soa-rows.json"

#: Colours of the coverage chart, one per implementation status (and the undecided / excluded rows).
STATUS_COLOURS = {
    ImplementationStatus.IMPLEMENTED: "#1f7a4d",
    ImplementationStatus.PARTIAL: "#6fb38f",
    ImplementationStatus.PLANNED: "#e0a526",
    ImplementationStatus.NOT_STARTED: "#c94f4f",
}
EXCLUDED_COLOUR, UNDECIDED_COLOUR = "#9aa3b0", "#d7dbe1"
DECISIONS = {True: "Applicable", False: "Not applicable", None: "Undecided"}
CHART_WIDTH = 620


# --- Parameters -----------------------------------------------------------------------------


def version_parameters(values: dict, organization) -> dict:
    """``{"version": n}``: the number of one of the organization's approved versions."""
    unknown = sorted(set(values) - {"version"})
    if unknown:
        raise ValidationError({"parameters": f"Unknown parameter(s): {', '.join(unknown)}. Use: version."})
    raw = values.get("version")
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(
            {"parameters": "Give the number of an approved version as `version`."}
        ) from None
    if not SoAVersion.objects.for_organization(organization).filter(number=number).exists():
        raise ValidationError({"parameters": f"This organization has no approved SoA version {number}."})
    return {"version": number}


# --- Requests (the web process: a row and an enqueue, never a render) ----------------------------


def soa_pdf_request(*, organization, actor: Actor, version: SoAVersion | None = None) -> GeneratedDocument:
    """Queue the PDF of ``version``, or of the live table as a draft when ``version`` is None.

    The caller checks the EXPORT capability (views and API do, through their capabilities).
    """
    if version is None:
        return document_services.document_request(organization=organization, actor=actor, kind=DRAFT_PDF)
    if version.organization_id != organization.pk:
        raise Http404("No such SoA version")
    return document_services.document_request(
        organization=organization, actor=actor, kind=VERSION_PDF, parameters={"version": version.number}
    )


def soa_version_documents(organization, version: SoAVersion) -> QuerySet[GeneratedDocument]:
    """The PDFs requested for ``version``, newest first (``.first()`` is the one a page shows)."""
    return (
        GeneratedDocument.objects.for_organization(organization)
        .filter(kind=VERSION_PDF, parameters__version=version.number)
        .select_related("organization", "requested_by")
        .order_by("-requested_at", "-pk")
    )


# --- The content ----------------------------------------------------------------------------------


@dataclass
class Theme:
    name: str
    rows: list[dict] = field(default_factory=list)


@dataclass
class Standard:
    code: str
    name: str
    short_name: str
    rows: list[dict] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)

    @property
    def crosswalk_with(self) -> str:
        """The standards the crosswalk column names controls of."""
        names = sorted({link["standard"] for row in self.rows for link in row["crosswalk"]})
        return ", ".join(names)

    @property
    def total(self) -> int:
        return len(self.rows)

    def _count(self, **wanted) -> int:
        return sum(1 for r in self.rows if all(r[k] == v for k, v in wanted.items()))

    @property
    def applicability(self) -> list[tuple[str, int, float]]:
        return [(label, n, self._percent(n)) for label, n in self._applicability_counts()]

    def _applicability_counts(self):
        return [(DECISIONS[value], self._count(applicable=value)) for value in (True, False, None)]

    @property
    def statuses(self) -> list[tuple[str, int, float]]:
        """Implementation status of the applicable controls."""
        applicable = self._count(applicable=True)
        return [
            (status.label, n, round(100.0 * n / applicable, 1) if applicable else 0.0)
            for status in reversed(ImplementationStatus)
            for n in [self._count(applicable=True, status=status.value)]
        ]

    @property
    def implemented_percent(self) -> float:
        applicable = self._count(applicable=True)
        implemented = self._count(applicable=True, status=ImplementationStatus.IMPLEMENTED.value)
        return round(100.0 * implemented / applicable, 1) if applicable else 0.0

    def _percent(self, n: int) -> float:
        return round(100.0 * n / self.total, 1) if self.total else 0.0

    @property
    def chart(self) -> list[dict]:
        """The segments of the coverage bar (every row of the standard, by decision and status)."""
        segments = [
            (status.label, self._count(applicable=True, status=status.value), STATUS_COLOURS[status])
            for status in reversed(ImplementationStatus)
        ]
        segments += [
            ("Not applicable", self._count(applicable=False), EXCLUDED_COLOUR),
            ("Undecided", self._count(applicable=None), UNDECIDED_COLOUR),
        ]
        result, x = [], 0.0
        for label, count, colour in segments:
            width = CHART_WIDTH * count / self.total if self.total else 0
            result.append(
                {"label": label, "count": count, "colour": colour, "x": round(x, 2), "width": round(width, 2)}
            )
            x += width
        return result


def _crosswalk() -> dict[tuple[str, str], list[dict]]:
    """Every control's counterparts in the other standard, strongest first (one query)."""
    links: dict[tuple[str, str], list[dict]] = defaultdict(list)
    mappings = Mapping.objects.select_related("source__framework", "target__framework")
    for mapping in mappings:
        for this, other in ((mapping.source, mapping.target), (mapping.target, mapping.source)):
            links[(this.framework.code, this.reference)].append(
                {
                    "framework": other.framework.short_name,
                    "standard": other.framework.short_name.split(":")[0],
                    "reference": other.reference,
                    "relation": mapping.get_relation_display(),
                    "strength": mapping.strength,
                    "order": other.order,
                }
            )
    for items in links.values():
        items.sort(key=lambda link: (-link["strength"], link["order"]))
    return links


def _printed(payload: dict, crosswalk) -> dict:
    labels = dict(ReasonKind.choices)
    return {
        **payload,
        "decision": DECISIONS[payload["applicable"]],
        "status_label": str(dict(ImplementationStatus.choices).get(payload["status"], payload["status"])),
        "reasons": [
            {
                **reason,
                "label": labels.get(reason["kind"], reason["kind"]),
                # The derived note already names its risks; print the references it does not.
                "unnamed_risks": [ref for ref in reason.get("risks", []) if ref not in reason["note"]],
            }
            for reason in payload["reasons"]
        ],
        "crosswalk": crosswalk.get((payload["framework"], payload["reference"]), []),
    }


def printed_standards(payloads: list[dict]) -> list[Standard]:
    """The rows grouped per standard and theme, as the SoA PDF (and the audit pack) print them."""
    crosswalk = _crosswalk()
    frameworks = {f.code: f for f in Framework.objects.filter(code__in={p["framework"] for p in payloads})}
    standards: dict[str, Standard] = {}
    for payload in payloads:
        code = payload["framework"]
        standard = standards.get(code)
        if standard is None:
            framework = frameworks.get(code)
            standard = standards[code] = Standard(
                code=code,
                name=framework.name if framework else code,
                short_name=framework.short_name if framework else code,
            )
        row = _printed(payload, crosswalk)
        standard.rows.append(row)
        if not standard.themes or standard.themes[-1].name != row["theme"]:
            standard.themes.append(Theme(row["theme"]))
        standard.themes[-1].rows.append(row)
    return list(standards.values())


def _render(document, *, payloads: list[dict], digest: str, version: SoAVersion | None, progress) -> bytes:
    organization = document.organization
    standards = printed_standards(payloads)
    progress(20)
    if version is not None:
        control = [
            (
                "Version",
                f"{version.number}"
                + (f" (supersedes version {version.supersedes.number})" if version.supersedes else ""),
            ),
            ("Status", "Approved"),
            ("Approved by", version.approved_by.display_name),
            ("Approval date", f"{timezone.localtime(version.approved_at):%Y-%m-%d %H:%M %Z}"),
            ("Change summary", version.change_summary),
        ]
    else:
        control = [
            ("Version", "Draft of the live table"),
            ("Status", "DRAFT — not approved; it may change at any time and is not a controlled document"),
        ]
    control += [
        ("Rows", f"{len(payloads)} controls: " + ", ".join(f"{s.short_name} {s.total}" for s in standards)),
        ("SHA-256 of the rows", digest),
    ]
    title = (
        f"Statement of Applicability — version {version.number}"
        if version
        else "Statement of Applicability — DRAFT"
    )
    attachment = JSONAttachment(
        name=ATTACHMENT_NAME,
        data={
            "organization": organization.slug,
            "version": version.number if version else None,
            "draft": version is None,
            "rows_sha256": digest,
            "rows": payloads,
        },
        description="The rows printed in this Statement of Applicability, as data (SHA-256 above)",
    )
    return pdf_render(
        "soa/soa_print.html",
        {
            "organization": organization,
            "title": title,
            "version": version,
            "draft": version is None,
            "standards": standards,
            "rows_sha256": digest,
            "total": len(payloads),
            "control": control,
            "chart_width": CHART_WIDTH,
        },
        attachments=[attachment],
        document=document,
    )


def build_soa_version_pdf(document, progress) -> bytes:
    try:
        version = selectors.version_get(
            organization=document.organization, number=document.parameters.get("version")
        )
    except Http404:
        raise registry.DocumentBuildError(
            f"This organization has no approved SoA version {document.parameters.get('version')}."
        ) from None
    rows = list(selectors.version_rows(version))
    payloads = [row_payload(row) for row in rows]
    progress(10)
    # The stored digest is the one printed; recomputing it shows the rows read are the approved ones.
    if rows_digest(rows) != version.rows_sha256:
        raise registry.DocumentBuildError(
            f"The rows of SoA version {version.number} no longer match their recorded SHA-256; "
            "the PDF was not built. Tell an administrator."
        )
    return _render(
        document, payloads=payloads, digest=version.rows_sha256, version=version, progress=progress
    )


def build_soa_draft_pdf(document, progress) -> bytes:
    entries = list(selectors.entries_with_risks_for(document.organization))
    rows = [version_row_from_entry(entry, position=n) for n, entry in enumerate(entries, start=1)]
    progress(10)
    return _render(
        document,
        payloads=[row_payload(row) for row in rows],
        digest=rows_digest(rows),
        version=None,
        progress=progress,
    )


def _version_title(parameters: dict) -> str:
    return f"Statement of Applicability, version {parameters.get('version')}"


def _version_filename(parameters: dict) -> str:
    return f"statement-of-applicability-v{parameters.get('version')}.pdf"


def register_builders() -> None:
    registry.register(
        VERSION_PDF,
        build_soa_version_pdf,
        title=_version_title,
        description="Statement of Applicability — an approved version (PDF)",
        content_type="application/pdf",
        filename=_version_filename,
        capability=Capability.EXPORT,
        parameters=version_parameters,
    )
    registry.register(
        DRAFT_PDF,
        build_soa_draft_pdf,
        title="Statement of Applicability, draft",
        description="Statement of Applicability — draft of the live table (PDF)",
        content_type="application/pdf",
        filename="{organization}-statement-of-applicability-draft-{date}.pdf",
        capability=Capability.EXPORT,
    )
