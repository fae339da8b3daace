"""The asset inventory as generated documents, built by a worker instead of the request:
``asset_inventory_xlsx`` (the export file, for 10,000 assets too) and
``asset_inventory_pdf`` (a printable register grouped by kind, A4 landscape).

Both take the inventory page's filters as parameters (``{"kind": ["ai_system"]}``,
``{"search": "claims"}``…), so a document means what the same filters mean on the page.
"""

from django.core.exceptions import ValidationError
from django.http import QueryDict

from core.roles import Capability
from core.tabular import FORMATS, XLSX, table_write
from documents import registry
from documents.pdf import JSONAttachment, pdf_render

from . import selectors
from .filters import AssetFilter
from .models import AI_KINDS, AssetKind
from .tabular import ASSET_COLUMNS, asset_export_rows

IGNORED_PARAMETERS = {"ordering", "page", "page_size"}
#: Beyond this the printable register is refused: WeasyPrint needed about 1.9 GB and minutes
#: for 10,000 assets (docs/decisions/0011); the XLSX is the format for a whole large inventory.
PDF_MAX_ASSETS = 5_000


def inventory_parameters(values: dict, organization) -> dict:
    """The inventory filters in ``values``, checked as the page checks them; each as a list of strings."""
    known = set(AssetFilter.base_filters) - IGNORED_PARAMETERS
    # The list page's sorting and paging say nothing about which assets: dropped.
    values = {k: v for k, v in values.items() if k not in IGNORED_PARAMETERS}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValidationError(
            {"parameters": f"Unknown asset filter(s): {', '.join(unknown)}. Use: {', '.join(sorted(known))}."}
        )
    cleaned: dict[str, list[str]] = {}
    for key, value in values.items():
        items = value if isinstance(value, list) else [value]
        items = [str(item) for item in items if item not in (None, "")]
        if items:
            cleaned[key] = items
    filterset = _filterset(cleaned, organization)
    if not filterset.is_valid():
        messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items())
        raise ValidationError({"parameters": messages})
    return cleaned


def _filterset(parameters: dict, organization) -> AssetFilter:
    data = QueryDict(mutable=True)
    for key, items in parameters.items():
        data.setlist(key, items)
    return AssetFilter(data, queryset=selectors.assets_for(organization))


def _filtered(document):
    return _filterset(document.parameters, document.organization).qs


def _title(base: str):
    def title(parameters: dict) -> str:
        return f"{base} (filtered)" if parameters else base

    return title


def _counted(rows, total: int, progress, *, start: int = 0, end: int = 100):
    for index, row in enumerate(rows, start=1):
        if total and index % 50 == 0:
            progress(start + (end - start) * index // total)
        yield row


def build_inventory_xlsx(document, progress) -> bytes:
    queryset = selectors.assets_with_relations(_filtered(document)).order_by("identifier", "id")
    total = queryset.count()
    rows = _counted(asset_export_rows(queryset), total, progress, end=90)
    return table_write(rows, columns=ASSET_COLUMNS, fmt=XLSX, title="Assets")


def build_inventory_pdf(document, progress) -> bytes:
    queryset = _filtered(document)
    count = queryset.count()
    if count > PDF_MAX_ASSETS:
        raise registry.DocumentBuildError(
            f"The printable register holds at most {PDF_MAX_ASSETS:,} assets and this request matches "
            f"{count:,}. Narrow the filters (a kind, a group) or generate the XLSX inventory instead."
        )
    assets = list(queryset.order_by("identifier", "id"))
    progress(10)
    by_kind = {kind: [] for kind in AssetKind}
    for asset in assets:
        by_kind[AssetKind(asset.kind)].append(asset)
    groups = [
        {"kind": kind, "label": kind.label, "is_ai": kind in AI_KINDS, "assets": items}
        for kind, items in by_kind.items()
        if items
    ]
    filters = ", ".join(f"{key} = {' or '.join(values)}" for key, values in document.parameters.items())
    rows = [
        {
            "identifier": a.identifier,
            "name": a.name,
            "kind": a.kind,
            "owner": a.owner.username if a.owner else None,
            "classification": a.classification,
            "confidentiality": a.confidentiality,
            "integrity": a.integrity,
            "availability": a.availability,
            "criticality": a.criticality,
            "lifecycle_status": a.lifecycle_status,
            "ai_risk_class": a.ai_risk_class or None,
        }
        for a in assets
    ]
    progress(30)
    return pdf_render(
        "assets/inventory_print.html",
        {
            "organization": document.organization,
            "title": document.title,
            "groups": groups,
            "total": len(assets),
            "control": [
                ("Scope", filters or "The whole inventory"),
                ("Assets", f"{len(assets)} in {len(groups)} kind(s)"),
            ],
        },
        attachments=[
            JSONAttachment(
                name="asset-inventory.json",
                data={
                    "organization": document.organization.slug,
                    "filters": document.parameters,
                    "assets": rows,
                },
                description="The assets printed in this register, as data",
            )
        ],
        document=document,
    )


def register_builders() -> None:
    registry.register(
        "asset_inventory_xlsx",
        build_inventory_xlsx,
        title=_title("Asset inventory (XLSX)"),
        description="Asset inventory — Excel workbook",
        content_type=FORMATS[XLSX],
        filename="{organization}-assets-{date}.xlsx",
        capability=Capability.EXPORT,
        parameters=inventory_parameters,
    )
    registry.register(
        "asset_inventory_pdf",
        build_inventory_pdf,
        title=_title("Asset inventory register"),
        description="Asset inventory — printable register (PDF)",
        content_type="application/pdf",
        filename="{organization}-asset-register-{date}.pdf",
        capability=Capability.EXPORT,
        parameters=inventory_parameters,
    )
