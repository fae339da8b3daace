"""The page-level entry point of the SoA PDFs: "Build the PDF" on a version (and on the
live table, as a draft). The view only queues a generated document (soa.documents);
the worker renders it. An htmx request gets the partial back, watching the document
finish; a plain form post goes to the generated documents page."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from core.roles import Capability
from organizations.scoping import OrganizationPageMixin

from . import selectors
from .documents import soa_pdf_request, soa_version_documents

VERSION_PARTIAL = "soa/_version_pdf.html"


def version_pdf_context(*, organization, membership, version) -> dict:
    """What ``soa/_version_pdf.html`` needs: the version, its latest PDF, whether the member may build one."""
    return {
        "organization": organization,
        "version": version,
        "document": soa_version_documents(organization, version).first(),
        "can_export": membership.can(Capability.EXPORT),
    }


class _PDFRequestView(OrganizationPageMixin, View):
    required_capability = Capability.EXPORT

    def _done(self, request, document, partial_context):
        url = reverse("documents:list", kwargs={"organization_slug": self.organization.slug})
        url += f"?highlight={document.pk}"
        if request.headers.get("HX-Request"):
            if partial_context is not None:
                return TemplateResponse(request, VERSION_PARTIAL, partial_context)
            # No partial to swap in: htmx navigates to the documents page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


class SoAVersionPDFRequestView(_PDFRequestView):
    """POST: build the PDF of approved version ``number`` (404 for another organization's)."""

    def post(self, request, *args, **kwargs):
        version = selectors.version_get(organization=self.organization, number=kwargs["number"])
        document = soa_pdf_request(organization=self.organization, actor=request.user, version=version)
        context = version_pdf_context(
            organization=self.organization, membership=self.membership, version=version
        )
        context["document"] = document
        return self._done(request, document, context)


class SoADraftPDFRequestView(_PDFRequestView):
    """POST: build a PDF of the live table, watermarked DRAFT."""

    def post(self, request, *args, **kwargs):
        document = soa_pdf_request(organization=self.organization, actor=request.user, version=None)
        return self._done(request, document, None)
