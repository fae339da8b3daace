"""CPU seconds per 1,000 rows of the audit pack's register parts (docs/decisions/0015, "Fast layout").

Renders each register's row template (``audits/pack/*_rows.html``, the part a worker renders) with
1,000 made-up rows of typical length, no database, and times WeasyPrint with ``process_time``: the
cost per row that decides ``RowPart.cost`` and so the part sizes. Independent of the neighbours'
load, unlike wall times.
"""

import io
import time
import types

ROWS = 1_000


def _value(v):
    return lambda: v


def _rows():
    owner = types.SimpleNamespace(display_name="Olga Officer")
    assets = [
        types.SimpleNamespace(
            identifier=f"AST-{n:05d}",
            name=f"Benchmark server number {n} in the primary data centre",
            get_kind_display=_value("Hardware"),
            owner=owner,
            get_classification_display=_value("Confidential"),
            confidentiality=3,
            integrity=2,
            availability=4,
            get_criticality_display=_value("High"),
            get_lifecycle_status_display=_value("In use"),
            location="Frankfurt DC-2",
        )
        for n in range(ROWS)
    ]
    risks = [
        types.SimpleNamespace(
            reference=f"RSK-{n}",
            title=f"Security benchmark risk {n}",
            get_category_display=_value("Information security"),
            treatment_plan="Patch within 14 days; monitor the alerts.",
            owner=owner,
            inherent_likelihood=4,
            inherent_impact=3,
            inherent_score=12,
            inherent_level="high",
            get_inherent_level_display=_value("High"),
            treatment="modify",
            residual_score=6,
            residual_likelihood=2,
            residual_impact=3,
            residual_level="medium",
            get_residual_level_display=_value("Medium"),
            level="medium",
            get_level_display=_value("Medium"),
            get_status_display=_value("Assessed"),
            control_refs=["A.5.1", "A.8.8", "A.8.16"],
        )
        for n in range(ROWS)
    ]
    systems = [
        types.SimpleNamespace(
            identifier=f"AI-{n:04d}",
            name=f"Claims triage model {n}",
            get_kind_display=_value("AI system"),
            owner=owner,
            get_ai_role_display=_value("Provider"),
            get_ai_lifecycle_stage_display=_value("Operation"),
            get_ai_model_type_display=_value("Machine learning"),
            ai_vendor="Acme Labs",
            ai_version="2.1",
            get_ai_automation_level_display=_value("Human in the loop"),
            get_ai_human_oversight_display=_value("Review of every decision"),
            get_ai_risk_class_display=_value("High"),
            ai_intended_purpose="Ranks incoming claims for handlers.",
            ai_data_provenance="Historic claims 2019-2024",
            ai_data_licence="Internal",
            get_ai_personal_data_display=_value("Yes"),
        )
        for n in range(ROWS)
    ]
    return {"assets": assets, "risks": risks, "systems": systems}


def run():
    from django.template.loader import render_to_string
    from pypdf import PdfReader

    from audits.pack.build import _ROWS
    from documents.pdf import pdf_from_html

    rows = _rows()
    organization = types.SimpleNamespace(name="Benchmark Audit Pack Ltd")
    audit = types.SimpleNamespace(reference="AUD-1", title="Benchmark")
    pdf_from_html("<p>Warm-up: fonts and the user agent stylesheet.</p>")
    figures = []
    for key in ("assets", "risks", "ai"):
        section, row = _ROWS[key]
        context = {
            **rows,
            "organization": organization,
            "audit": audit,
            "title": "Audit pack, AUD-1",
            "section": section,
            "section_number": 4,
            "part_title": f"{row.label} 1\u2013{ROWS:,}",
            "orientation": section.orientation,
        }
        html = render_to_string(row.template, context)
        cpu = time.process_time()
        pdf = pdf_from_html(html)
        seconds = time.process_time() - cpu
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        figures.append(
            (
                f"{ROWS:,} {row.label.lower()} rows",
                f"{seconds:5.1f} s CPU, {pages} pages, {len(pdf) // 1024} KiB, cost {row.cost}",
            )
        )
    return "Audit pack rows", figures
