"""``documents.pdf.pdf_assemble``: sections rendered apart merged into one document with
continuous page numbers, a table of contents giving each section's real first page and
an outline entry per section; read back with pypdf."""

import io
import re

import pytest
from django.template import engines
from pypdf import PdfReader

from documents import pdf

PART = engines["django"].from_string(
    '{% extends "documents/print_part.html" %}'
    "{% block orientation %}{{ orientation }}{% endblock %}"
    "{% block content %}<h2>{{ heading }}</h2><table><thead><tr><th>Row</th></tr></thead><tbody>"
    "{% for n in rows %}<tr><td>{{ heading }} row {{ n }}</td></tr>{% endfor %}</tbody></table>{% endblock %}"
)
FRONT = engines["django"].from_string(
    '{% extends "documents/print_part.html" %}'
    '{% block front %}<h1>Test pack</h1>{% include "documents/_print_toc.html" %}{% endblock %}'
)
CONTEXT = {"organization": {"name": "Acme Corp"}, "title": "Test pack"}


def _part(heading: str, rows: int, orientation: str = "portrait") -> bytes:
    return pdf.pdf_from_html(
        PART.render({**CONTEXT, "heading": heading, "rows": range(rows), "orientation": orientation})
    )


def _front(toc) -> bytes:
    return pdf.pdf_from_html(FRONT.render({**CONTEXT, "toc": toc}))


@pytest.fixture(scope="module")
def sections():
    return [
        pdf.Section("Audit scope", _part("Audit scope", 5)),
        pdf.Section("Statement of applicability", _part("Statement of applicability", 30, "landscape")),
        pdf.Section("Annex A controls", _part("Annex A controls", 25), level=2),
        pdf.Section("Risk register", _part("Risk register", 45)),
        pdf.Section("Unlisted appendix", _part("Unlisted appendix", 3), bookmark=False),
    ]


@pytest.fixture(scope="module")
def assembled(sections):
    return PdfReader(io.BytesIO(pdf.pdf_assemble(front=_front, sections=sections, title="Test pack")))


def _first_page_of(texts: list[str], heading: str) -> int:
    return next(n for n, text in enumerate(texts, start=1) if f"{heading} row 0" in text)


def test_pages_are_numbered_continuously_and_the_toc_gives_each_sections_first_page(sections, assembled):
    reader = assembled
    texts = [page.extract_text() for page in reader.pages]
    total = len(texts)
    assert total == 1 + sum(len(PdfReader(io.BytesIO(s.pdf)).pages) for s in sections)
    for number, text in enumerate(texts, start=1):
        assert f"Test pack · Page {number} of {total}" in text
        # The parts were rendered unnumbered: no footer of theirs survives beside ours.
        assert len(re.findall(r"Page \d+ of \d+", text)) == 1
    toc = dict(re.findall(r"^(.+?) (\d+)$", texts[0], flags=re.MULTILINE))
    for section in sections:
        assert int(toc[section.title]) == _first_page_of(texts, section.title)
    # A landscape section keeps its page size.
    landscape = reader.pages[_first_page_of(texts, "Statement of applicability") - 1]
    assert landscape.mediabox.width > landscape.mediabox.height
    assert reader.metadata.title == "Test pack"


def test_each_listed_section_gets_an_outline_entry_at_its_first_page(assembled):
    reader = assembled
    texts = [page.extract_text() for page in reader.pages]
    outline = reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    assert [item.title for item in top] == ["Audit scope", "Statement of applicability", "Risk register"]
    nested = outline[outline.index(top[1]) + 1]
    assert [item.title for item in nested] == ["Annex A controls"]
    for item in [*top, *nested]:
        assert reader.get_destination_page_number(item) + 1 == _first_page_of(texts, item.title)


def test_a_table_of_contents_longer_than_a_page_pushes_the_sections_and_their_numbers(sections):
    many = [pdf.Section(f"Asset group {n:03d}", sections[0].pdf) for n in range(60)]
    reader = PdfReader(io.BytesIO(pdf.pdf_assemble(front=_front, sections=many, footer="p{page}/{pages}")))
    texts = [page.extract_text() for page in reader.pages]
    front_pages = len(texts) - 60
    assert front_pages >= 2
    toc = "\n".join(texts[:front_pages])
    assert re.search(rf"^Asset group 000 {front_pages + 1}$", toc, flags=re.MULTILINE)
    assert re.search(rf"^Asset group 059 {front_pages + 60}$", toc, flags=re.MULTILINE)
    assert f"p{len(texts)}/{len(texts)}" in texts[-1]


def _footer_lines(reader) -> list[str]:
    return [
        re.findall(r"^.*Page \d+ of \d+$", page.extract_text(), flags=re.MULTILINE) for page in reader.pages
    ]


def test_footers_are_drawn_with_one_embedded_font_without_laying_out_a_page_per_footer(sections, monkeypatch):
    def laid_out(*args, **kwargs):
        raise AssertionError("a Latin title is drawn from the font's glyphs, not laid out page by page")

    monkeypatch.setattr(pdf, "_footer_overlay", laid_out)
    title = "Société Générale: audit pack"
    reader = PdfReader(io.BytesIO(pdf.pdf_assemble(front=_front, sections=sections, title=title)))
    total = len(reader.pages)
    assert _footer_lines(reader) == [[f"{title} · Page {n} of {total}"] for n in range(1, total + 1)]
    # The footer is right-aligned at the margin, on the baseline WeasyPrint gives the margin box.
    glyphs = pdf._footer_glyphs([f"{title} · Page 1 of 9"], [(595.28, 841.89)])
    assert glyphs is not None and set(glyphs.codes) >= set(title)
    stream = pdf._footer_stream(glyphs, "Page 1 of 9", (595.28, 841.89)).decode()
    x, y = (float(v) for v in re.search(r"1 0 0 1 ([\d.]+) ([\d.]+) Tm", stream).groups())
    advance = sum(glyphs.advances[c] for c in "Page 1 of 9") * pdf.FOOTER_FONT_PT / 1000
    assert x + advance == pytest.approx(595.28 - 14 * 72 / 25.4, abs=0.01)
    assert 15 < y < 35
    # One font object serves every footer.
    fonts = {
        page["/Resources"]["/XObject"][f"/GrcFooter{n}"]
        .get_object()["/Resources"]["/Font"]
        .raw_get("/GrcFooterFont")
        .idnum
        for n, page in enumerate(reader.pages, start=1)
    }
    assert len(fonts) == 1


def test_a_title_that_needs_shaping_gets_footers_laid_out_page_by_page(sections):
    title = "تدقيق Acme"  # Arabic joins its letters: drawn glyph by glyph it would be wrong
    assert pdf._footer_glyphs([f"{title} · Page 1 of 2"], [(595.28, 841.89)]) is None
    reader = PdfReader(io.BytesIO(pdf.pdf_assemble(front=_front, sections=sections[:2], title=title)))
    total = len(reader.pages)
    for number, lines in enumerate(_footer_lines(reader), start=1):
        assert len(lines) == 1 and lines[0].endswith(f"Page {number} of {total}")
