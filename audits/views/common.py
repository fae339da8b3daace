"""What the audit programme's pages share: the htmx test, the delete confirmation
page over ``core.deletion``, and the scoped record getters."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from core.deletion import DeletionRefused, deletion_impact
from core.roles import Capability
from organizations.scoping import OrganizationPageMixin


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


class RecordDeleteView(OrganizationPageMixin, TemplateView):
    """The "what it affects" confirmation of a delete, then the delete service.

    A subclass names ``noun`` ("audit"), ``get_record()``, ``delete(record)`` (the
    service), ``record_url(record)`` (back to it) and ``done_url()`` (after the delete).
    """

    required_capability = Capability.EDIT_ANY
    template_name = "audits/confirm_delete.html"
    noun = "record"
    advice = ""
    #: The register the record is listed in, for the breadcrumbs: (URL name, label).
    register = ("audits:list", "Audits")

    def get_record(self):
        raise NotImplementedError("A delete page declares get_record(): the record to delete.")

    def delete(self, record):
        raise NotImplementedError("A delete page declares delete(record): its service.")

    def record_url(self, record) -> str:
        raise NotImplementedError("A delete page declares record_url(record): back to the record.")

    def done_url(self) -> str:
        raise NotImplementedError("A delete page declares done_url(): where to go once deleted.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = kwargs.get("record") or self.get_record()
        context.update(
            record=record,
            record_reference=getattr(record, "reference", str(record)),
            noun=self.noun,
            advice=self.advice,
            back_url=self.record_url(record),
            register_url=reverse(self.register[0], args=[self.organization.slug]),
            register_label=self.register[1],
        )
        context.setdefault("impact", deletion_impact(record, actor=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        label = str(record)
        try:
            self.delete(record)
        except DeletionRefused as refused:
            messages.error(request, refused.impact.refusal())
            return self.render_to_response(
                self.get_context_data(record=record, impact=refused.impact), status=409
            )
        messages.success(request, f"{label} was deleted. Its history keeps every version and who deleted it.")
        return redirect(self.done_url())
