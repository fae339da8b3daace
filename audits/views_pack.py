"""The audit pack page, ``/o/<slug>/audits/<pk>/pack/``: choose the sections and their order,
request the pack, watch it build (the htmx status block of generated documents) and download it,
with each pack's SHA-256. The view only queues a generated document; the workers render it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from core.roles import Capability
from organizations.scoping import OrganizationPageMixin

from . import selectors
from .pack.forms import AuditPackRequestForm
from .pack.requests import audit_pack_request, audit_packs_for

PACKS_SHOWN = 20


class AuditPackView(OrganizationPageMixin, TemplateView):
    """GET: the page; POST: request a pack of the ticked sections in the order of their positions,
    through the service the API uses (viewers may not export: 403)."""

    required_capability = Capability.EXPORT
    template_name = "audits/pack/page.html"

    def _audit(self):
        return selectors.audit_get(organization=self.organization, audit_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit = kwargs.get("audit") or self._audit()
        packs = audit_packs_for(self.organization, audit_id=audit.pk)
        context.update(
            audit=audit,
            form=kwargs.get("form") or AuditPackRequestForm(),
            packs=list(packs[:PACKS_SHOWN]),
            pack_count=packs.count(),
            highlight=self.request.GET.get("highlight", ""),
        )
        return context

    def post(self, request, *args, **kwargs):
        audit = self._audit()
        form = AuditPackRequestForm(request.POST)
        if form.is_valid():
            try:
                document = audit_pack_request(
                    organization=self.organization,
                    actor=request.user,
                    audit=audit,
                    sections=form.ordered_sections(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, f"“{document.title}” is being built; it appears below when it is ready."
                )
                url = reverse(
                    "audit-pack", kwargs={"organization_slug": self.organization.slug, "pk": audit.pk}
                )
                return redirect(f"{url}?highlight={document.pk}#document-{document.pk}")
        return self.render_to_response(self.get_context_data(audit=audit, form=form))
