"""The kinds of generated document and their builders.

A domain app registers its builders in its ``AppConfig.ready()``::

    from documents import registry

    registry.register(
        "asset_inventory_xlsx",
        build_inventory_xlsx,
        title="Asset inventory",
        content_type=XLSX_CONTENT_TYPE,
        filename="{organization}-assets-{date}.xlsx",
        parameters=inventory_parameters,
    )

A builder is called by the worker as ``builder(document, progress)`` and returns
the file's bytes; ``progress(percent)`` reports how far it is (0 to 100). It raises
``DocumentBuildError`` with a sentence a person can act on when the request
cannot be built, or ``TransientBuildError`` when trying again later may work.

A long document may instead be registered in *parts* (decision 0014)::

    registry.register(
        "audit_pack",
        parts=registry.Parts(plan=pack_plan, render=pack_part_render, assemble=pack_assemble),
        title="Audit pack", content_type="application/pdf", filename="{organization}-audit-pack-{date}.pdf",
    )

``plan(document)`` lists the parts in document order: keys, or ``PlannedPart(key, rows)``
when a part prints records, ``rows`` being their ids in print order, fixed at plan time;
``render(document, key, rows)`` returns one part's PDF (unnumbered: templates extend
``documents/print_part.html``) and ``assemble(document, [(key, pdf), ...])`` merges them,
usually with ``documents.pdf.pdf_assemble``. When the plan has at least ``parallel_from``
parts (and ``DOCUMENT_PARALLEL_PARTS`` is on) each part is rendered by its own task, on
whichever workers are free; otherwise one worker renders them in turn. Either way the
result is ``assemble(document, [(p.key, render(document, p.key, p.rows)) for p in plan])``.

A kind's tasks go to its ``queue`` (``pdf`` unless it registers another): the audit pack
has a queue and workers of its own, so that a long pack never holds up a small PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.roles import Capability

Progress = Callable[[int], None]
Builder = Callable[..., bytes]
#: ``parameters(values, organization) -> cleaned values``; raises ``ValidationError``.
ParameterValidator = Callable[[dict, object], dict]


class DocumentBuildError(Exception):
    """The document cannot be built; the message is shown to the person who asked."""


class TransientBuildError(Exception):
    """Building failed for a reason that may pass (a service down): the task retries."""


class UnknownKind(KeyError):
    pass


#: The queue of every kind that names none (settings.CELERY_TASK_ROUTES routes the tasks there too).
DEFAULT_QUEUE = "pdf"


@dataclass(frozen=True)
class PlannedPart:
    """One part of a plan. ``rows`` are the ids of the records it prints, in print order, fixed
    when the document is planned: a part rendered later, on another worker, prints exactly
    those (less any deleted since), so records added, deleted or renamed meanwhile never make
    two parts skip or repeat one."""

    key: str
    rows: tuple[int, ...] = ()


def planned(entries) -> list[PlannedPart]:
    """A plan's entries (keys or ``PlannedPart``) as ``PlannedPart``."""
    return [e if isinstance(e, PlannedPart) else PlannedPart(e) for e in entries]


@dataclass(frozen=True)
class Parts:
    """How a document built in parts is planned, rendered part by part and put together."""

    #: The parts in document order: keys (``["cover", "soa", ...]``; unique, at most 100 characters)
    #: or ``PlannedPart(key, rows)`` for a part printing the records ``rows``.
    plan: Callable[..., list[str | PlannedPart]]
    #: ``render(document, key, rows) -> bytes``: one part's PDF, without page-number footer.
    render: Callable[..., bytes]
    #: ``assemble(document, [(key, pdf), ...]) -> bytes``: the parts in plan order → the final file.
    assemble: Callable[..., bytes]
    #: Fan out to several workers only when the plan has at least this many parts.
    parallel_from: int = 2

    def build_here(
        self, document, progress: Progress | None = None, *, parts: list[PlannedPart] | None = None
    ) -> bytes:
        """Every part rendered in turn in this process, then assembled (the one-worker path)."""
        parts = planned(self.plan(document) if parts is None else parts)
        rendered = []
        for index, part in enumerate(parts):
            rendered.append((part.key, self.render(document, part.key, part.rows)))
            if progress is not None:
                progress(90 * (index + 1) // max(1, len(parts)))
        return self.assemble(document, rendered)


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    builder: Builder
    title: str | Callable[[dict], str]
    content_type: str
    filename: str | Callable[[dict], str]
    capability: Capability = Capability.EXPORT
    parameters: ParameterValidator | None = None
    description: str = ""
    parts: Parts | None = None
    #: The Celery queue of its build, part and assembly tasks.
    queue: str = DEFAULT_QUEUE

    @property
    def label(self) -> str:
        """How the kind is offered in a request form."""
        return self.description or (self.title if isinstance(self.title, str) else self.kind)

    def title_for(self, parameters: dict) -> str:
        return self.title(parameters) if callable(self.title) else self.title

    def filename_for(self, *, organization, parameters: dict) -> str:
        if callable(self.filename):
            return self.filename(parameters)
        return self.filename.format(organization=organization.slug, date=f"{timezone.localdate():%Y-%m-%d}")

    def clean_parameters(self, values, *, organization) -> dict:
        """The request's parameters checked by the kind's validator; no validator means none accepted."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ValidationError({"parameters": "Parameters must be an object."})
        if self.parameters is None:
            if values:
                raise ValidationError(
                    {"parameters": f"A {self.kind} document takes no parameters, not {', '.join(values)}."}
                )
            return {}
        return self.parameters(values, organization)


_KINDS: dict[str, DocumentKind] = {}


def register(
    kind: str,
    builder: Builder | None = None,
    *,
    parts: Parts | None = None,
    title: str | Callable[[dict], str],
    content_type: str,
    filename: str | Callable[[dict], str],
    capability: Capability = Capability.EXPORT,
    parameters: ParameterValidator | None = None,
    description: str = "",
    queue: str = DEFAULT_QUEUE,
) -> DocumentKind:
    """Make ``kind`` requestable, built by ``builder`` or in ``parts`` (exactly one of them),
    by the workers of ``queue``.

    Registering the same kind twice with another builder or other parts is an error.
    """
    if (builder is None) == (parts is None):
        raise ValueError(f"Document kind {kind!r}: give exactly one of builder and parts")
    entry = DocumentKind(
        kind=kind,
        builder=builder if builder is not None else parts.build_here,
        parts=parts,
        title=title,
        content_type=content_type,
        filename=filename,
        capability=capability,
        parameters=parameters,
        description=description,
        queue=queue,
    )
    existing = _KINDS.get(kind)
    if existing is not None and (
        existing.parts != parts if (parts or existing.parts) else existing.builder is not builder
    ):
        raise ValueError(f"Document kind {kind!r} is already registered by {_origin(existing)}")
    _KINDS[kind] = entry
    return entry


def _origin(entry: DocumentKind) -> str:
    return entry.parts.render.__module__ if entry.parts is not None else entry.builder.__module__


def kind_get(kind: str) -> DocumentKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def queue_for(kind: str) -> str:
    """The queue of ``kind``'s tasks; an unknown kind's go to the default queue, whose worker
    fails them with a reason."""
    entry = _KINDS.get(kind)
    return entry.queue if entry is not None else DEFAULT_QUEUE


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.kind)


def kinds_for(membership) -> list[DocumentKind]:
    """The kinds ``membership`` may request, download and retry."""
    return [k for k in kinds() if membership.can(k.capability)]


def can_access(membership, kind: str) -> bool:
    entry = _KINDS.get(kind)
    return entry is not None and membership.can(entry.capability)
