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
    builder: Builder,
    *,
    title: str | Callable[[dict], str],
    content_type: str,
    filename: str | Callable[[dict], str],
    capability: Capability = Capability.EXPORT,
    parameters: ParameterValidator | None = None,
    description: str = "",
) -> DocumentKind:
    """Make ``kind`` requestable. Registering the same kind twice with another builder is an error."""
    entry = DocumentKind(
        kind=kind,
        builder=builder,
        title=title,
        content_type=content_type,
        filename=filename,
        capability=capability,
        parameters=parameters,
        description=description,
    )
    existing = _KINDS.get(kind)
    if existing is not None and existing.builder is not builder:
        raise ValueError(f"Document kind {kind!r} is already registered by {existing.builder.__module__}")
    _KINDS[kind] = entry
    return entry


def kind_get(kind: str) -> DocumentKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.kind)


def kinds_for(membership) -> list[DocumentKind]:
    """The kinds ``membership`` may request, download and retry."""
    return [k for k in kinds() if membership.can(k.capability)]


def can_access(membership, kind: str) -> bool:
    entry = _KINDS.get(kind)
    return entry is not None and membership.can(entry.capability)
