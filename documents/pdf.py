"""HTML → PDF for builders, with WeasyPrint. Only the worker calls this.

Templates extend ``documents/print_base.html`` (A4, "Page X of Y", repeated
table headers, a document control block) and its stylesheet
``static/css/print.css``: plain print CSS, no framework. Resources are fetched
by ``StaticOnlyURLFetcher``: our own static files and ``data:`` URLs, nothing
else — no other host, no file outside the static folders.
"""

from __future__ import annotations

import io
import json
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

#: Relative URLs in print templates (``{% static %}`` gives ``/static/…``) resolve against this.
BASE_URL = "file:///"


class ResourceRefused(ValueError):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def static_path_for(url: str) -> Path:
    """The file a ``file:`` URL names, if it is one of our static files; else ``ResourceRefused``."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"not a local file: {url}")
    path = unquote(parts.path)
    roots = _static_roots()
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if path.startswith(static_prefix):
        relative = path[len(static_prefix) :]
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            raise ResourceRefused(f"outside our static files: {url}") from None
        candidate = Path(found if isinstance(found, str) else Path(settings.STATIC_ROOT, relative)).resolve()
    else:
        candidate = Path(path).resolve()
    if not _inside(candidate, roots) or not candidate.is_file():
        raise ResourceRefused(f"not one of our static files: {url}")
    return candidate


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves ``data:`` URLs and our static files; refuses everything else."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            try:
                path = static_path_for(url)
            except ResourceRefused:
                logger.warning("PDF rendering refused to fetch %s", url[:200])
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher


def url_fetcher():
    return _fetcher_class()()


@dataclass(frozen=True)
class JSONAttachment:
    """A machine-readable copy of data printed in the PDF, embedded as a file inside it."""

    name: str
    data: object
    description: str = ""

    def content(self) -> bytes:
        return json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=True, default=str).encode(
            "utf-8"
        )


def pdf_render(
    template_name: str,
    context: dict,
    *,
    attachments: list[JSONAttachment] | tuple = (),
    document=None,
) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes.

    With ``document`` (the ``GeneratedDocument`` being built), the template gets
    ``document`` and ``generated_at`` for its document control block.
    """
    context = {"generated_at": timezone.now(), "document": document, **context}
    return pdf_from_html(render_to_string(template_name, context), attachments=attachments)


def pdf_from_html(html: str, *, attachments: list[JSONAttachment] | tuple = ()) -> bytes:
    """PDF bytes of an HTML string rendered as ``pdf_render`` renders its templates."""
    from weasyprint import HTML, Attachment

    fetcher = url_fetcher()
    pdf_attachments = [
        Attachment(string=a.content(), name=a.name, description=a.description or a.name, url_fetcher=fetcher)
        for a in attachments
    ]
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(attachments=pdf_attachments)


# --- Documents assembled from parts (decision 0014) ------------------------------


@dataclass(frozen=True)
class TocEntry:
    """One line of a table of contents: ``page`` is the section's first page in the final file."""

    title: str
    page: int
    level: int = 1


@dataclass(frozen=True)
class Section:
    """One entry of the table of contents and the pages it stands for."""

    title: str
    pdf: bytes  # the section's pages, without page-number footer: the assembler stamps it
    level: int = 1
    bookmark: bool = True


#: Where the stamped footer sits: the bottom-right margin box of ``static/css/print.css``
#: (right margin 14 mm portrait, 12 mm landscape; baseline in the bottom margin).
FOOTER_RIGHT_MM = {"portrait": 14, "landscape": 12}
FOOTER_BOTTOM_MM = {"portrait": 9, "landscape": 8}
#: ``front`` is re-rendered while its page count changes (a longer TOC pushes sections down).
FRONT_PASSES = 4
#: Footers are laid out this many pages at a time: WeasyPrint's time per page grows with the document.
FOOTER_CHUNK = 100


def _page_count(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def _toc(sections: list[Section], counts: list[int], front_pages: int) -> list[TocEntry]:
    entries, page = [], front_pages + 1
    for section, count in zip(sections, counts, strict=True):
        entries.append(TocEntry(title=section.title, page=page, level=section.level))
        page += count
    return entries


def _footer_overlay(sizes: list[tuple[float, float]], texts: list[str]) -> bytes:
    """One small WeasyPrint document with a page per text, each the size of the page it
    will be merged onto, holding only that page's footer (same font as the parts)."""
    from weasyprint import HTML

    names: dict[tuple[float, float], str] = {}
    for size in sizes:
        names.setdefault(size, f"s{len(names)}")
    rules = []
    for (width, height), name in names.items():
        orientation = "landscape" if width > height else "portrait"
        right, bottom = FOOTER_RIGHT_MM[orientation], FOOTER_BOTTOM_MM[orientation]
        rules.append(
            f"@page {name} {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
            f".{name} {{ page: {name}; height: {height - 1:.2f}pt }}"
            f".{name} span {{ right: {right}mm; bottom: {bottom}mm }}"
        )
    body = "".join(
        f'<div class="{names[size]}"><span>{escape(text)}</span></div>'
        for size, text in zip(sizes, texts, strict=True)
    )
    style = (
        'html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 7.5pt; '
        "color: #374151 } body { margin: 0 } div { position: relative; break-after: page } "
        "div:last-child { break-after: auto } span { position: absolute; white-space: nowrap }"
    )
    html = (
        f'<!doctype html><html><head><meta charset="utf-8"><style>{style}{"".join(rules)}</style></head>'
        f"<body>{body}</body></html>"
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf()


def _stamp(writer, page, stamp, name: str) -> None:
    """Draw ``stamp`` (an overlay page) over ``page`` as a form XObject."""
    _stamp_form(writer, page, stamp.get_contents().get_data(), stamp["/Resources"].clone(writer), name)


def _stamp_form(writer, page, data: bytes, resources, name: str) -> None:
    """Draw the content stream ``data`` (with ``resources``) over ``page`` as a form XObject.

    Faster than ``PageObject.merge_page``, which parses and rewrites the whole content
    stream of the page underneath: here the page's own streams are left as they are,
    wrapped in ``q``/``Q`` so that their graphics state cannot leak onto the stamp.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    form = DecodedStreamObject()
    form.set_data(data)
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(page.mediabox),
            NameObject("/Resources"): resources,
        }
    )
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ q {name} Do Q\n".encode())
    contents = page.get("/Contents")
    existing = [] if contents is None else contents.get_object()
    streams = list(existing) if isinstance(existing, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *streams, writer._add_object(after)]
    )
    # Pages may share one resources dictionary: give this page its own, with the form added.
    page_resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(page_resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[NameObject(name)] = writer._add_object(form)
    page_resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = page_resources


# --- Footers drawn from the parts' font, without laying out a page per footer ------

#: The footer's font size and colour (``static/css/print.css``'s ``@bottom-right``).
FOOTER_FONT_PT = 7.5
FOOTER_RGB = (0x37 / 255, 0x41 / 255, 0x51 / 255)
_MM = 72 / 25.4


@dataclass(frozen=True)
class _Glyphs:
    """The footer font as WeasyPrint embedded it: a code and an advance (in 1/1000 em) per
    character, and the baseline above the page's bottom edge, in points, per orientation."""

    font: object  # the Type0 font dictionary, read from the palette
    codes: dict[str, bytes]
    advances: dict[str, float]
    baselines: dict[str, float]


def _simple(char: str) -> bool:
    """A character drawn alone as it is drawn in a word: no shaping, no joining, left to right."""
    import unicodedata

    return (
        char.isprintable()
        and not unicodedata.combining(char)
        and unicodedata.bidirectional(char) not in {"R", "AL", "AN", "NSM"}
        and unicodedata.category(char) not in {"Mn", "Me", "Cf"}
    )


def _cid_widths(descendant) -> tuple[dict[int, float], float]:
    """A CID font's advances (``/W``: ``c [w1 w2 …]`` or ``c_first c_last w``) and its default."""
    from pypdf.generic import ArrayObject

    widths, entries, index = {}, [entry.get_object() for entry in descendant.get("/W", [])], 0
    while index < len(entries):
        first, following = int(entries[index]), entries[index + 1]
        if isinstance(following, ArrayObject):
            widths.update({first + n: float(width) for n, width in enumerate(following)})
            index += 2
        else:
            widths.update({cid: float(entries[index + 2]) for cid in range(first, int(following) + 1)})
            index += 3
    return widths, float(descendant.get("/DW", 1000))


def _matrix(a: list[float], b: list[float]) -> list[float]:
    """``a`` then ``b`` (PDF row-vector order: a point p maps to p·a·b)."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _palette_runs(page, reader) -> tuple[list[list[bytes]], list[float]]:
    """Each text run of a palette page (its glyph codes) and where each run starts (y, points)."""
    from pypdf.generic import ContentStream

    ctm, stack, runs, ys, text_matrix = [1.0, 0, 0, 1.0, 0, 0], [], [], [], None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _matrix([float(v) for v in operands], ctm)
        elif operator == b"Tm":
            text_matrix = [float(v) for v in operands]
        elif operator in (b"TJ", b"Tj"):
            items = operands[0] if operator == b"TJ" else [operands[0]]
            codes = []
            for item in items:
                raw = getattr(item, "original_bytes", None)
                if raw is not None:
                    codes += [bytes(raw[i : i + 2]) for i in range(0, len(raw), 2)]
            runs.append(codes)
            ys.append(_matrix(text_matrix, ctm)[5] if text_matrix else 0.0)
    return runs, ys


def _footer_glyphs(texts: list[str], sizes: list[tuple[float, float]]) -> _Glyphs | None:
    """The glyphs of every character of ``texts`` in the footer font, from one small palette
    laid out by WeasyPrint; ``None`` when a character needs shaping or another font, and the
    footers are then laid out page by page (``_footer_overlay``)."""
    from pypdf import PdfReader
    from weasyprint import HTML

    chars = sorted(set("".join(texts)) - {" "})
    if not all(_simple(char) for char in chars):
        return None
    orientations = {"landscape" if width > height else "portrait": (width, height) for width, height in sizes}
    style = (
        'html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; '
        f"font-size: {FOOTER_FONT_PT}pt }} body {{ margin: 0 }} p {{ margin: 0; white-space: pre }} "
        "div { position: relative; break-after: page } div:last-child { break-after: auto } "
        "span { position: absolute; white-space: nowrap }"
    )
    pages = []
    for orientation, (width, height) in orientations.items():
        right, bottom = FOOTER_RIGHT_MM[orientation], FOOTER_BOTTOM_MM[orientation]
        style += (
            f"@page {orientation} {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
            f".{orientation} {{ page: {orientation}; height: {height - 1:.2f}pt }}"
            f".{orientation} span {{ right: {right}mm; bottom: {bottom}mm }}"
        )
        # Page one also holds a line per character and "0 0" for the space between words.
        lines = "".join(f"<p>{escape(char)}</p>" for char in chars) + "<p>0 0</p>" if not pages else ""
        pages.append(f'<div class="{orientation}">{lines}<span>0</span></div>')
    html = (
        f'<!doctype html><html><head><meta charset="utf-8"><style>{style}</style></head>'
        f"<body>{''.join(pages)}</body></html>"
    )
    reader = PdfReader(
        io.BytesIO(HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf())
    )
    if len(reader.pages) != len(orientations):
        return None
    used = [page["/Resources"].get("/Font", {}).get_object() for page in reader.pages]
    fonts = {font[name].get_object()["/BaseFont"] for font in used for name in font}
    if len(fonts) != 1:
        return None  # a character came from a fallback font
    font = next(iter(used[0].values())).get_object()
    widths, default = _cid_widths(font["/DescendantFonts"][0].get_object())
    runs, _ = _palette_runs(reader.pages[0], reader)
    line_runs, space_run = runs[: len(chars)], runs[len(chars)] if len(runs) > len(chars) else []
    if len(runs) != len(chars) + 2 or any(len(run) != 1 for run in line_runs) or len(space_run) != 3:
        return None
    codes = {char: run[0] for char, run in zip(chars, line_runs, strict=True)}
    codes[" "] = space_run[1]
    advances = {char: widths.get(int.from_bytes(code, "big"), default) for char, code in codes.items()}
    baselines = {}
    for number, orientation in enumerate(orientations):
        _, ys = _palette_runs(reader.pages[number], reader)
        baselines[orientation] = ys[-1]  # the positioned "0", last on its page
    return _Glyphs(font=font, codes=codes, advances=advances, baselines=baselines)


def _footer_stream(glyphs: _Glyphs, text: str, size: tuple[float, float]) -> bytes:
    """The content stream drawing ``text`` right-aligned in the footer of a page of ``size``."""
    width, height = size
    orientation = "landscape" if width > height else "portrait"
    advance = sum(glyphs.advances[char] for char in text) * FOOTER_FONT_PT / 1000
    x = width - FOOTER_RIGHT_MM[orientation] * _MM - advance
    y = glyphs.baselines[orientation]
    codes = b"".join(glyphs.codes[char] for char in text).hex()
    red, green, blue = FOOTER_RGB
    return (
        f"BT {red:.3f} {green:.3f} {blue:.3f} rg /GrcFooterFont {FOOTER_FONT_PT} Tf "
        f"1 0 0 1 {x:.3f} {y:.3f} Tm <{codes}> Tj ET"
    ).encode()


def _stamp_footers(writer, sizes: list[tuple[float, float]], texts: list[str]) -> None:
    """Every page of ``writer`` gets its footer text."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, NameObject

    glyphs = _footer_glyphs(texts, sizes)
    if glyphs is None:
        for start in range(0, len(texts), FOOTER_CHUNK):
            chunk = slice(start, start + FOOTER_CHUNK)
            overlay = PdfReader(io.BytesIO(_footer_overlay(sizes[chunk], texts[chunk])))
            targets = writer.pages[chunk]
            if len(overlay.pages) != len(targets):
                raise ValueError(f"footer overlay has {len(overlay.pages)} pages for {len(targets)}")
            for number, (page, stamp) in enumerate(zip(targets, overlay.pages, strict=True), start=start + 1):
                _stamp(writer, page, stamp, f"/GrcFooter{number}")
        return
    # One font object for every footer of the document.
    font = writer._add_object(glyphs.font.clone(writer))
    resources = writer._add_object(
        DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/GrcFooterFont"): font})})
    )
    for number, (page, size, text) in enumerate(zip(writer.pages, sizes, texts, strict=True), start=1):
        _stamp_form(writer, page, _footer_stream(glyphs, text, size), resources, f"/GrcFooter{number}")


def pdf_assemble(
    *,
    front: Callable[[list[TocEntry]], bytes],
    sections: list[Section],
    footer: str = "{title} · Page {page} of {pages}",
    title: str = "",
) -> bytes:
    """One PDF from a front matter and sections rendered apart, numbered as one document.

    ``front(toc)`` renders the cover, document control and table of contents from
    ``TocEntry(title, page, level)`` lines; it is called again while its own page count
    changes, so the TOC's length is accounted for and its page numbers are the real
    first pages of the sections. The pages are merged with pypdf, every page gets the
    footer (``footer.format(title=, page=, pages=)``, drawn by WeasyPrint in the parts'
    font) with continuous page numbers, and each ``bookmark`` section an outline entry
    (level 2 nested under the level 1 before it).
    """
    from pypdf import PdfReader, PdfWriter

    counts = [_page_count(section.pdf) for section in sections]
    front_pages, front_pdf = 1, b""
    for _ in range(FRONT_PASSES):
        front_pdf = front(_toc(sections, counts, front_pages))
        rendered = _page_count(front_pdf)
        if rendered == front_pages:
            break
        front_pages = rendered
    else:
        raise ValueError(f"the front matter does not settle on a page count (last {front_pages})")
    toc = _toc(sections, counts, front_pages)

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front_pdf)), import_outline=False)
    for section in sections:
        writer.append(PdfReader(io.BytesIO(section.pdf)), import_outline=False)
    pages = len(writer.pages)
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in writer.pages]
    texts = [footer.format(title=title, page=number, pages=pages) for number in range(1, pages + 1)]
    _stamp_footers(writer, sizes, texts)

    parent = None
    for section, entry in zip(sections, toc, strict=True):
        if not section.bookmark:
            continue
        nested_under = parent if section.level > 1 else None
        item = writer.add_outline_item(title=section.title, page_number=entry.page - 1, parent=nested_under)
        if section.level <= 1:
            parent = item
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
