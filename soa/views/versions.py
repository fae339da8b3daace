"""Approved versions: the list, approving the next one, a version as frozen, the
comparison of two versions, and a version's files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.registers.exports import export_format_parse
from core.roles import Capability
from core.tabular import table_response, table_write
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..forms import SoAApproveForm
from ..tabular import SOA_COLUMNS, version_export_rows
from ..versions import rows_diff, version_row_from_entry, versions_diff
from ..views_documents import version_pdf_context


class VersionListView(OrganizationPageMixin, TemplateView):
    """Every approved version, newest first, and a form to compare any two."""

    template_name = "soa/version_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(selectors.versions_for(self.organization))
        context.update(
            versions=versions,
            can_approve=self.membership.can(Capability.APPROVE),
            can_export=self.membership.can(Capability.EXPORT),
            next_number=(versions[0].number + 1) if versions else 1,
            frameworks=selectors.soa_frameworks(),
        )
        return context


class VersionApproveView(OrganizationPageMixin, TemplateView):
    """ "Approve version N": what changes since the last version, the rows that block
    the approval (each linked), and the change summary. Officers and admins."""

    required_capability = Capability.APPROVE
    template_name = "soa/version_approve.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(selectors.entries_with_risks_for(self.organization))
        latest = selectors.version_latest(self.organization)
        live_rows = [version_row_from_entry(e, position=i) for i, e in enumerate(entries, start=1)]
        changes = rows_diff(selectors.version_rows(latest), live_rows) if latest else None
        context.setdefault("blocking", services.approval_blockers(entries))
        context.setdefault("form", SoAApproveForm())
        context.update(
            latest=latest,
            next_number=(latest.number + 1) if latest else 1,
            changes=changes,
            row_total=len(entries),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = SoAApproveForm(request.POST)
        if form.is_valid():
            try:
                version = services.soa_version_approve(
                    organization=self.organization,
                    actor=request.user,
                    change_summary=form.cleaned_data["change_summary"],
                )
            except services.SoAApprovalBlocked as exc:
                messages.error(request, exc.message)
                return self.render_to_response(self.get_context_data(form=form, blocking=exc.blocking))
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, f"SoA version {version.number} is approved and frozen.")
                return redirect(
                    "soa:version_detail", organization_slug=self.organization.slug, number=version.number
                )
        return self.render_to_response(self.get_context_data(form=form))


class VersionDetailView(OrganizationPageMixin, TemplateView):
    """One approved version exactly as frozen: who approved it, when, why, its rows and their SHA-256."""

    template_name = "soa/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = selectors.version_get(organization=self.organization, number=kwargs["number"])
        rows = list(selectors.version_rows(version))
        superseded_by = getattr(version, "superseded_by", None)
        context.update(
            version=version,
            rows=rows,
            applicable_count=sum(1 for r in rows if r.applicable),
            superseded_by=superseded_by,
            can_export=self.membership.can(Capability.EXPORT),
            other_versions=[
                v for v in selectors.versions_for(self.organization) if v.number != version.number
            ],
        )
        # The PDF block: the latest PDF of this version and whether the member may build one.
        context.update(
            version_pdf_context(organization=self.organization, membership=self.membership, version=version)
        )
        return context


class VersionDiffView(OrganizationPageMixin, TemplateView):
    """Two versions compared row by row: ``/versions/<number>/diff/?against=<number>``
    (the older of the two on the left, whichever was given first)."""

    template_name = "soa/version_diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        one = selectors.version_get(organization=self.organization, number=kwargs["number"])
        against = self.request.GET.get("against") or (one.supersedes.number if one.supersedes else one.number)
        other = selectors.version_get(organization=self.organization, number=against)
        older, newer = sorted((one, other), key=lambda v: v.number)
        context.update(
            diff=versions_diff(older=older, newer=newer),
            versions=list(selectors.versions_for(self.organization)),
        )
        return context


class VersionExportView(OrganizationPageMixin, View):
    """A version's rows as CSV or XLSX, with the columns of the live SoA's export."""

    required_capability = Capability.EXPORT

    def get(self, request, *args, **kwargs):
        version = selectors.version_get(organization=self.organization, number=kwargs["number"])
        fmt = export_format_parse(request.GET.get("format"))
        content = table_write(
            version_export_rows(selectors.version_rows(version)),
            columns=SOA_COLUMNS,
            fmt=fmt,
            title=f"SoA version {version.number}",
        )
        approved = timezone.localtime(version.approved_at)
        stem = f"{self.organization.slug}-soa-v{version.number}-{approved:%Y-%m-%d}"
        return table_response(content, fmt=fmt, filename_stem=stem)
