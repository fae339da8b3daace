from django.db.models import QuerySet
from django.http import Http404

from . import registry
from .models import GeneratedDocument


def documents_for(organization, *, membership=None) -> QuerySet[GeneratedDocument]:
    """The organization's documents, newest first; with ``membership``, only the
    kinds that member may request and download."""
    queryset = GeneratedDocument.objects.for_organization(organization).select_related("requested_by")
    if membership is not None:
        queryset = queryset.filter(kind__in=[k.kind for k in registry.kinds_for(membership)])
    return queryset


def document_get(*, organization, document_id: int) -> GeneratedDocument:
    """One of the organization's documents; 404 for any other."""
    document = documents_for(organization).filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return document
