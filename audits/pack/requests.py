"""Requesting audit packs and reading them back: the documents machinery's one job model
(``GeneratedDocument`` of kind ``audit_pack``), never a second one."""

from __future__ import annotations

from django.db.models import QuerySet

from core.types import Actor
from documents import services as document_services
from documents.models import GeneratedDocument

from ..models import Audit
from .build import KIND


def audit_pack_request(
    *, organization, actor: Actor, audit, sections: list[str] | None = None
) -> GeneratedDocument:
    """Queue the pack of ``audit`` (an id or an ``Audit``) with ``sections`` (all by default).

    Raises ``ValidationError`` naming ``audit`` or ``sections`` when the kind refuses them, and
    ``Http404`` for no such audit (another organization's included). The caller checks that
    ``actor`` may export.
    """
    parameters = {"audit": audit.pk if isinstance(audit, Audit) else audit}
    if sections is not None:
        parameters["sections"] = sections
    return document_services.document_request(
        organization=organization, actor=actor, kind=KIND, parameters=parameters
    )


def audit_packs_for(organization, *, audit_id: int | None = None) -> QuerySet[GeneratedDocument]:
    """The organization's audit packs, newest first; of one audit with ``audit_id``."""
    packs = (
        GeneratedDocument.objects.for_organization(organization)
        .filter(kind=KIND)
        .select_related("organization", "requested_by")
        .order_by("-requested_at", "-pk")
    )
    if audit_id is not None:
        packs = packs.filter(parameters__audit=audit_id)
    return packs
