"""A kind built in parts that only the tests (and ``benchmarks/bench_document_parts``)
load, through ``GRC_DOCUMENT_EXTRA_BUILDERS``: real WeasyPrint work per part (a table
of ``rows`` rows, after ``seconds`` of waiting, to stand for the queries of a real
section), merged by ``documents.pdf.pdf_assemble``; the part named by ``hungry`` asks for
more memory than a test worker's limit allows. The content depends on the
parameters only, so that a document built in one process and one built by several
workers can be compared page by page."""

import time

from django.core.exceptions import ValidationError
from django.template import engines

from core.roles import Capability
from documents import pdf, registry

PARTS = "test_parts"
#: What the part named by the ``hungry`` parameter asks for at once: 4 GiB.
HUNGRY_BYTES = 4 * 1024**3

_PART = engines["django"].from_string(
    '{% extends "documents/print_part.html" %}'
    "{% block content %}<h2>{{ heading }}</h2>"
    "<table><thead><tr><th>Reference</th><th>Entry</th></tr></thead><tbody>"
    "{% for n in rows %}<tr><td>{{ key|upper }}-{{ n|stringformat:'04d' }}</td>"
    "<td>Entry {{ n }} of {{ heading }}: kept, reviewed and owned.</td></tr>{% endfor %}"
    "</tbody></table>{% endblock %}"
)
_FRONT = engines["django"].from_string(
    '{% extends "documents/print_base.html" %}'
    '{% block head %}{% include "documents/_print_unnumbered.html" %}{% endblock %}'
    '{% block content %}{% include "documents/_print_toc.html" %}{% endblock %}'
)


def _parameters(values: dict, organization) -> dict:
    cleaned = {"parts": 4, "rows": 20, "seconds": 0, "fail": "", "hungry": ""} | values
    if set(cleaned) != {"parts", "rows", "seconds", "fail", "hungry"}:
        raise ValidationError({"parameters": "parts, rows, seconds, fail and hungry only."})
    if not (1 <= cleaned["parts"] <= 400 and 1 <= cleaned["rows"] <= 5000 and 0 <= cleaned["seconds"] <= 60):
        raise ValidationError({"parameters": "parts 1-400, rows 1-5000, seconds 0-60."})
    return cleaned


def _heading(key: str) -> str:
    return f"Section {key.rsplit('-', 1)[-1]}"


def plan(document) -> list[str]:
    return [f"section-{n:03d}" for n in range(1, document.parameters["parts"] + 1)]


def render(document, key: str, rows: tuple[int, ...]) -> bytes:
    if key == document.parameters.get("fail"):
        raise registry.DocumentBuildError("This section cannot be printed: its source was withdrawn.")
    if key == document.parameters.get("hungry"):
        bytearray(HUNGRY_BYTES)  # more than any worker's memory limit in the tests
    time.sleep(document.parameters["seconds"])
    context = {"organization": document.organization, "title": document.title}
    rows = range(1, document.parameters["rows"] + 1)
    return pdf.pdf_from_html(_PART.render({**context, "heading": _heading(key), "key": key, "rows": rows}))


def assemble(document, rendered: list[tuple[str, bytes]]) -> bytes:
    # No generated_at in the front: the same request assembled twice prints the same pages.
    context = {"organization": document.organization, "title": document.title, "generated_at": None}
    return pdf.pdf_assemble(
        front=lambda toc: pdf.pdf_from_html(_FRONT.render({**context, "toc": toc})),
        sections=[pdf.Section(_heading(key), content) for key, content in rendered],
        title=document.title,
    )


registry.register(
    PARTS,
    parts=registry.Parts(plan=plan, render=render, assemble=assemble),
    title="Test document in parts",
    content_type="application/pdf",
    filename="{organization}-parts-{date}.pdf",
    capability=Capability.EXPORT,
    parameters=_parameters,
)
