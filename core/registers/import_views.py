"""The import pages every register shares: upload → preview of every row and its
problems (nothing written) → confirm, all or nothing.

The rows travel from the preview to the confirmation inside a signed token bound
to the organization and the user, so nothing is stored between the two steps and
the file cannot be swapped. A register subclasses ``TableImportView`` and
``TableImportConfirmView`` (with ``organizations.scoping.OrganizationPageMixin``
first) and names its ``TableImport`` (``imports``), its templates and URLs;
``TableImportTemplateView`` serves the empty file. The preview page extends
``templates/core/import_preview.html``.
"""

from collections.abc import Iterable, Sequence

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from ..roles import Capability
from ..tabular import CSV, XLSX, Column, Row, Table, TabularError, table_read, table_response, table_write
from .bulk import BULK_MAX_ITEMS
from .forms import TableImportForm
from .imports import ImportRefused, TableImport

IMPORT_MAX_AGE = 2 * 60 * 60  # seconds a preview stays valid


def table_rows_pack(table: Table) -> list:
    """The rows of a read file in a form that can be signed and sent back (preview → confirm)."""
    return [[row.line, row.cells] for row in table.rows]


def table_rows_unpack(packed: Iterable) -> list[Row]:
    return [Row(line=int(line), cells={str(k): str(v) for k, v in cells.items()}) for line, cells in packed]


class TableImportTemplateView(View):
    """An empty file with the import columns (and, in XLSX, a sheet explaining them)."""

    required_capability = Capability.EDIT_OWN
    columns: Sequence[Column]
    title: str
    filename_stem: str

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in (CSV, XLSX):
            raise Http404("No such format")
        content = table_write([], columns=self.columns, fmt=fmt, title=self.title)
        return table_response(content, fmt=fmt, filename_stem=self.filename_stem)


class TableImportView(FormView):
    """Step 1: upload. Step 2 (the answer to the upload): a preview of every row
    and its problems; nothing is written. Step 3: ``TableImportConfirmView``."""

    required_capability = Capability.EDIT_OWN
    form_class = TableImportForm
    table_import: TableImport
    max_rows: int = BULK_MAX_ITEMS
    noun: str  # plural, as in "no assets under it"
    register_name: str  # as in "the inventory changed since the preview"
    salt: str  # signs the preview token; one per register
    preview_template_name: str
    list_url_name: str  # where a finished import lands, newest first
    import_url_name: str
    confirm_url_name: str
    template_url_name: str  # the empty file (TableImportTemplateView)

    @property
    def columns(self) -> Sequence[Column]:
        return self.table_import.columns

    def preview_rows(self, rows: list[Row]):
        return self.table_import.preview(organization=self.organization, actor=self.request.user, rows=rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=self.columns,
            template_url_name=self.template_url_name,
            list_url_name=self.list_url_name,
            import_url_name=self.import_url_name,
            confirm_url_name=self.confirm_url_name,
            noun=self.noun,
            noun_singular=self.noun.removesuffix("s"),
            register_name=self.register_name,
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            table = table_read(upload, columns=self.columns, max_rows=self.max_rows)
        except TabularError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if not table.rows:
            form.add_error("file", f"The file has a header row but no {self.noun} under it.")
            return self.form_invalid(form)
        return self.render_preview(
            self.preview_rows(table.rows),
            packed=table_rows_pack(table),
            filename=upload.name,
            ignored=table.ignored_headers,
        )

    def render_preview(self, preview, *, packed, filename, ignored=(), status=200):
        token = signing.dumps(
            {"o": self.organization.pk, "u": self.request.user.pk, "f": filename, "rows": packed},
            salt=self.salt,
            compress=True,
        )
        context = self.get_context_data(
            preview=preview, token=token, filename=filename, ignored_headers=ignored, form=self.form_class()
        )
        return render(self.request, self.preview_template_name, context, status=status)


class TableImportConfirmView(TableImportView):
    """Step 3: write the previewed rows, all or nothing."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            payload = signing.loads(request.POST.get("token", ""), salt=self.salt, max_age=IMPORT_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, "This preview has expired or was altered. Upload the file again.")
            return redirect(self.import_url_name, organization_slug=self.organization.slug)
        if payload.get("o") != self.organization.pk or payload.get("u") != request.user.pk:
            raise PermissionDenied("This preview belongs to another organization or user.")
        rows = table_rows_unpack(payload["rows"])
        filename = payload.get("f", "")
        try:
            written = self.table_import.write(
                organization=self.organization, actor=request.user, rows=rows, filename=filename
            )
        except ImportRefused:
            # Something changed since the preview (an identifier taken, a member removed): show it again.
            messages.error(
                request, f"The {self.register_name} changed since the preview; nothing was imported."
            )
            return self.render_preview(
                self.preview_rows(rows), packed=payload["rows"], filename=filename, status=400
            )
        count = len(written)
        noun = self.noun if count != 1 else self.noun.removesuffix("s")
        messages.success(request, f"Imported {count} {noun} from {filename}.")
        return redirect(reverse(self.list_url_name, args=[self.organization.slug]) + "?ordering=-created_at")
