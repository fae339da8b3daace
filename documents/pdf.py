"""HTML → PDF for builders, with WeasyPrint. Only the worker calls this.

Templates extend ``documents/print_base.html`` (A4, "Page X of Y", repeated
table headers, a document control block) and its stylesheet
``static/css/print.css``: plain print CSS, no framework. Resources are fetched
by ``StaticOnlyURLFetcher``: our own static files and ``data:`` URLs, nothing
else — no other host, no file outside the static folders.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from dataclasses import dataclass
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
    from weasyprint import HTML, Attachment

    context = {"generated_at": timezone.now(), "document": document, **context}
    html = render_to_string(template_name, context)
    fetcher = url_fetcher()
    pdf_attachments = [
        Attachment(string=a.content(), name=a.name, description=a.description or a.name, url_fetcher=fetcher)
        for a in attachments
    ]
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(attachments=pdf_attachments)
