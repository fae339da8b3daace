"""The documents page, its polling status partial, request, retry and download."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from core.roles import Capability
from organizations.scoping import OrganizationPageMixin

from . import registry, selectors, services
from .downloads import document_download_response
from .models import DocumentStatus

PAGE_SIZE = 25
#: Form fields ``p_<name>`` of a request form become the document's parameters.
PARAMETER_PREFIX = "p_"


class DocumentListView(OrganizationPageMixin, TemplateView):
    """The organization's generated files (those of kinds the member may export)."""

    template_name = "documents/document_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = selectors.documents_for(self.organization, membership=self.membership)
        status = self.request.GET.get("status", "")
        if status in DocumentStatus.values:
            queryset = queryset.filter(status=status)
        page = Paginator(queryset, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            documents=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            status_filter=status,
            status_choices=DocumentStatus.choices,
            requestable_kinds=registry.kinds_for(self.membership),
            highlight=self.request.GET.get("highlight", ""),
        )
        return context


class DocumentStatusView(OrganizationPageMixin, TemplateView):
    """One document's status block; while it is queued or running it asks htmx to
    fetch it again in two seconds, and stops once it is done or failed."""

    template_name = "documents/_document_status.html"

    def get_template_names(self):
        # htmx swaps the block in place; opened on its own it is a page of the portal.
        if self.request.headers.get("HX-Request") == "true":
            return [self.template_name]
        return ["documents/document_status_page.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = _document_for(self, kwargs["pk"])
        return context


class DocumentRequestView(OrganizationPageMixin, View):
    required_capability = Capability.VIEW  # and the kind's own capability, below

    def post(self, request, *args, **kwargs):
        if not registry.kinds_for(self.membership):
            raise PermissionDenied("Your role in this organization may not request documents.")
        kind = request.POST.get("kind", "")
        try:
            entry = registry.kind_get(kind)
        except registry.UnknownKind:
            messages.error(request, "Choose a kind of document to generate.")
            return redirect("documents:list", organization_slug=self.organization.slug)
        if not self.membership.can(entry.capability):
            raise PermissionDenied("Your role in this organization may not request this kind of document.")
        parameters = {
            key[len(PARAMETER_PREFIX) :]: values
            for key in request.POST
            if key.startswith(PARAMETER_PREFIX) and (values := [v for v in request.POST.getlist(key) if v])
        }
        try:
            document = services.document_request(
                organization=self.organization, actor=request.user, kind=kind, parameters=parameters
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("documents:list", organization_slug=self.organization.slug)
        messages.success(
            request, f"“{document.title}” is being generated; it appears below when it is ready."
        )
        response = redirect("documents:list", organization_slug=self.organization.slug)
        response["Location"] += f"?highlight={document.pk}"
        return response


class DocumentRetryView(OrganizationPageMixin, View):
    def post(self, request, *args, **kwargs):
        document = _document_for(self, kwargs["pk"])
        try:
            services.document_retry(document=document, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"“{document.title}” is queued again.")
        response = redirect("documents:list", organization_slug=self.organization.slug)
        response["Location"] += f"?highlight={document.pk}"
        return response


class DocumentDeleteView(OrganizationPageMixin, TemplateView):
    """Confirm, then delete a finished document and its file (administrators only)."""

    template_name = "documents/document_confirm_delete.html"
    required_capability = Capability.DELETE_DOCUMENTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = _document_for(self, kwargs["pk"])
        return context

    def post(self, request, *args, **kwargs):
        document = _document_for(self, kwargs["pk"])
        try:
            services.document_delete(document=document, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("documents:delete", organization_slug=self.organization.slug, pk=document.pk)
        messages.success(request, f"“{document.title}” and its file were deleted; its history is kept.")
        return redirect("documents:list", organization_slug=self.organization.slug)


class DocumentDownloadView(OrganizationPageMixin, View):
    def get(self, request, *args, **kwargs):
        return document_download_response(_document_for(self, kwargs["pk"]))


def _document_for(view, pk: int):
    """The organization's document (404 otherwise), if the member's role may export its kind (403)."""
    document = selectors.document_get(organization=view.organization, document_id=pk)
    if not registry.can_access(view.membership, document.kind):
        raise PermissionDenied("Your role in this organization may not read this kind of document.")
    return document
