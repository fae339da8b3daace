"""The inventory pages. Each view resolves the organization through
``OrganizationPageMixin``, reads through ``selectors`` and writes through ``services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from core.deletion import DeletionRefused, deletion_impact
from core.registers.bulk_actions import BulkActions, RegisterBulkView
from core.registers.exports import RegisterExportView
from core.registers.import_views import TableImportConfirmView, TableImportTemplateView, TableImportView
from core.registers.lists import RegisterListView, RegisterURLs
from core.registers.members import member_users, members_sorted
from core.roles import Capability
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from . import selectors, services
from .filters import AssetFilter
from .forms import AssetForm, RelationAddForm
from .models import (
    AI_KINDS,
    AI_REQUIRED_FIELDS,
    AIRiskClass,
    AssetGroup,
    AssetKind,
    Classification,
    Criticality,
    LifecycleStatus,
)
from .tabular import ASSET_COLUMNS, ASSET_IMPORT, asset_export_rows


def _kind_groups():
    return [
        (AssetGroup.INFORMATION.label, [(k.value, k.label) for k in AssetKind if k not in AI_KINDS]),
        (AssetGroup.AI.label, [(k.value, k.label) for k in AssetKind if k in AI_KINDS]),
    ]


ASSET_BULK_ACTIONS = BulkActions(status_choices=LifecycleStatus.choices, status_label="lifecycle", tags=True)


class AssetListView(OrganizationPageMixin, RegisterListView):
    """The inventory: filters, search, sortable columns, pages."""

    template_name = "assets/asset_list.html"
    filterset_class = AssetFilter
    default_ordering = ("name", "id")
    context_object_name = "assets"
    noun, noun_plural = "asset", "assets"
    urls = RegisterURLs(
        list="assets:list",
        create="assets:create",
        import_="assets:import",
        export="assets:export",
        bulk="assets:bulk",
    )
    bulk_actions = ASSET_BULK_ACTIONS
    register_key = "assets"

    def get_base_queryset(self):
        return selectors.assets_for(self.organization)

    def get_extra_context(self):
        figures = selectors.inventory_figures(self.organization)
        summary = figures["summary"]
        return {
            "kind_groups": _kind_groups(),
            "group_choices": AssetGroup.choices,
            "classification_choices": Classification.choices,
            "criticality_choices": Criticality.choices,
            "lifecycle_choices": LifecycleStatus.choices,
            "risk_class_choices": AIRiskClass.choices,
            "members": members_sorted(self.organization),
            "tags_in_use": figures["tags"],
            "summary": summary,
            "has_records": bool(summary["total"]),
            "background_exports": [
                ("asset_inventory_xlsx", "Excel workbook (.xlsx)", "bi-file-earmark-spreadsheet"),
                ("asset_inventory_pdf", "Printable register (PDF)", "bi-file-earmark-pdf"),
            ],
            "background_export_url": reverse("documents:request", args=[self.organization.slug]),
        }


class AssetDetailView(OrganizationPageMixin, TemplateView):
    """One asset: its fields, its relations both ways, and the form to link it (POST)."""

    template_name = "assets/asset_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asset = selectors.asset_get(
            organization=self.organization, asset_id=kwargs["pk"], with_relations=True
        )
        context.update(
            asset=asset,
            relations=selectors.relations_of(asset),
            can_edit=self.membership.can_edit(asset),
            can_link=self.membership.can_create,
            relation_form=kwargs.get("relation_form") or RelationAddForm(),
            ai_required=AI_REQUIRED_FIELDS.get(asset.kind, ()),
            where_used=where_used(asset, organization=self.organization),
            where_used_can_add=self.membership.can_create,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.membership.can_create:
            raise PermissionDenied("Your role in this organization does not allow linking assets.")
        asset = selectors.asset_get(organization=self.organization, asset_id=kwargs["pk"])
        form = RelationAddForm(request.POST)
        if form.is_valid():
            other = selectors.asset_by_reference(
                organization=self.organization, reference=form.cleaned_data["asset"]
            )
            if other is None:
                form.add_error("asset", "No asset of this organization has this identifier or name.")
            else:
                outgoing, relation_type = form.direction_and_type
                source, target = (asset, other) if outgoing else (other, asset)
                try:
                    relation = services.asset_relation_create(
                        organization=self.organization,
                        actor=request.user,
                        source=source,
                        target=target,
                        type=relation_type,
                        note=form.cleaned_data["note"],
                    )
                except PermissionDenied:
                    form.add_error(
                        "asset", f"Only the owner of {source} (or an officer) can link it this way."
                    )
                except ValidationError as exc:
                    for errors in exc.message_dict.values():
                        form.add_error("asset", errors)
                else:
                    messages.success(request, f"Linked: {relation}.")
                    return redirect("assets:detail", organization_slug=self.organization.slug, pk=asset.pk)
        context = self.get_context_data(relation_form=form, **kwargs)
        return self.render_to_response(context, status=400)


class AssetFormMixin:
    template_name = "assets/asset_form.html"
    form_class = AssetForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["members"] = member_users(self.organization)
        kwargs["membership"] = self.membership
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["ai_kinds"] = sorted(AI_KINDS)
        context["ai_required"] = {kind: list(fields) for kind, fields in AI_REQUIRED_FIELDS.items()}
        context["ai_sections"] = form.ai_sections()
        context["form_is_ai"] = form.current_kind() in AI_KINDS
        return context


class AssetCreateView(AssetFormMixin, OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN

    def get_initial(self):
        initial = super().get_initial()
        kind = self.request.GET.get("kind")
        if kind in AssetKind.values:
            initial["kind"] = kind
        return initial

    def form_valid(self, form):
        try:
            asset = services.asset_create(
                organization=self.organization, actor=self.request.user, values=form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{asset.identifier} {asset.name} is in the inventory.")
        return redirect("assets:detail", organization_slug=self.organization.slug, pk=asset.pk)


class AssetUpdateView(AssetFormMixin, OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.asset = None

    def get_asset(self):
        if self.asset is None:
            self.asset = selectors.asset_get(organization=self.organization, asset_id=self.kwargs["pk"])
            if not self.membership.can_edit(self.asset):
                raise PermissionDenied("You can change only the assets you own.")
        return self.asset

    def get(self, request, *args, **kwargs):
        self.get_asset()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_asset()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_asset()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["asset"] = self.get_asset()
        return context

    def form_valid(self, form):
        # A separate copy, so that a refused change does not show in the page's title as if saved.
        asset = selectors.asset_get(organization=self.organization, asset_id=self.kwargs["pk"])
        try:
            asset = services.asset_update(asset=asset, actor=self.request.user, values=form.values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{asset.identifier} {asset.name} saved.")
        return redirect("assets:detail", organization_slug=self.organization.slug, pk=asset.pk)


class AssetDeleteView(OrganizationPageMixin, TemplateView):
    required_capability = Capability.EDIT_OWN
    template_name = "assets/asset_confirm_delete.html"

    def get_asset(self):
        asset = selectors.asset_get(organization=self.organization, asset_id=self.kwargs["pk"])
        if not self.membership.can_edit(asset):
            raise PermissionDenied("You can delete only the assets you own.")
        return asset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asset = self.get_asset()
        context["asset"] = asset
        context.setdefault("impact", deletion_impact(asset, actor=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        asset = self.get_asset()
        label = f"{asset.identifier} {asset.name}"
        try:
            services.asset_delete(asset=asset, actor=request.user)
        except DeletionRefused as refused:
            messages.error(request, refused.impact.refusal())
            return self.render_to_response(self.get_context_data(impact=refused.impact), status=409)
        messages.success(request, f"{label} was deleted. Its history keeps every version and who deleted it.")
        return redirect("assets:list", organization_slug=self.organization.slug)


class RelationRemoveView(OrganizationPageMixin, View):
    required_capability = Capability.EDIT_OWN
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = selectors.asset_get(organization=self.organization, asset_id=kwargs["pk"])
        relation = selectors.relation_get(organization=self.organization, relation_id=kwargs["relation_id"])
        if asset.pk not in (relation.source_id, relation.target_id):
            raise Http404("No such relation")
        label = str(relation)
        try:
            services.asset_relation_delete(relation=relation, actor=request.user)
        except PermissionDenied:
            messages.error(
                request, f"Only the owner of {relation.source} (or an officer) can remove this link."
            )
        else:
            messages.success(request, f"Unlinked: {label}.")
        return redirect("assets:detail", organization_slug=self.organization.slug, pk=asset.pk)


class AssetLookupView(OrganizationPageMixin, TemplateView):
    """Options for the relation picker (htmx): assets whose identifier or name matches."""

    template_name = "assets/_lookup_options.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exclude = self.request.GET.get("exclude", "")
        context["options"] = selectors.asset_lookup(
            organization=self.organization,
            query=self.request.GET.get("asset", "").split(" — ", 1)[0].strip(),
            exclude_id=int(exclude) if exclude.isdigit() else None,
        )
        return context


class AssetExportView(OrganizationPageMixin, RegisterExportView):
    """The filtered inventory as CSV or XLSX (same query string as the list page)."""

    filterset_class = AssetFilter
    default_ordering = ("identifier", "id")
    columns = ASSET_COLUMNS
    export_rows = staticmethod(asset_export_rows)
    title = "Assets"
    filename_part = "assets"
    background_kind = "asset_inventory_xlsx"

    def get_base_queryset(self):
        return selectors.assets_with_relations(selectors.assets_for(self.organization))


class AssetImportTemplateView(OrganizationPageMixin, TableImportTemplateView):
    columns = ASSET_COLUMNS
    title = "Assets"
    filename_stem = "asset-import-template"


class AssetImportView(OrganizationPageMixin, TableImportView):
    template_name = "assets/asset_import.html"
    preview_template_name = "assets/asset_import_preview.html"
    table_import = ASSET_IMPORT
    noun = "assets"
    register_name = "inventory"
    salt = "assets.import"
    list_url_name = "assets:list"
    import_url_name = "assets:import"
    confirm_url_name = "assets:import_confirm"
    template_url_name = "assets:import_template"


class AssetImportConfirmView(TableImportConfirmView, AssetImportView):
    pass


class AssetBulkView(OrganizationPageMixin, RegisterBulkView):
    """Owner, lifecycle, tags or delete for the ticked assets, through the asset services."""

    bulk_actions = ASSET_BULK_ACTIONS
    list_url = "assets:list"
    noun, noun_plural = "asset", "assets"
    status_field = "lifecycle_status"

    def get_base_queryset(self):
        return selectors.assets_for(self.organization)

    def bulk_update(self, record, values):
        services.asset_update(asset=record, actor=self.request.user, values=values)

    def bulk_delete(self, record):
        services.asset_delete(asset=record, actor=self.request.user)
