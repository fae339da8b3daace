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
    """Draw ``stamp`` (an overlay page) over ``page`` as a form XObject.

    Faster than ``PageObject.merge_page``, which parses and rewrites the whole content
    stream of the page underneath: here the page's own streams are left as they are,
    wrapped in ``q``/``Q`` so that their graphics state cannot leak onto the stamp.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    form = DecodedStreamObject()
    form.set_data(stamp.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(stamp.mediabox),
            NameObject("/Resources"): stamp["/Resources"].clone(writer),
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
    resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[NameObject(name)] = writer._add_object(form)
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources


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
    for start in range(0, pages, FOOTER_CHUNK):
        chunk = slice(start, start + FOOTER_CHUNK)
        overlay = PdfReader(io.BytesIO(_footer_overlay(sizes[chunk], texts[chunk])))
        targets = writer.pages[chunk]
        if len(overlay.pages) != len(targets):
            raise ValueError(f"footer overlay has {len(overlay.pages)} pages for {len(targets)}")
        for number, (page, stamp) in enumerate(zip(targets, overlay.pages, strict=True), start=start + 1):
            _stamp(writer, page, stamp, f"/GrcFooter{number}")

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
