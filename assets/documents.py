"""The asset inventory as generated documents, built by a worker instead of the request:
``asset_inventory_xlsx`` (the export file, for 10,000 assets too) and
``asset_inventory_pdf`` (a printable register grouped by kind, A4 landscape).

Both take the inventory page's filters as parameters (``{"kind": ["ai_system"]}``,
``{"search": "claims"}``…), so a document means what the same filters mean on the page.
"""

from core.roles import Capability
from core.tabular import FORMATS, XLSX, table_write
from documents import registry
from documents.pdf import JSONAttachment, pdf_render
from documents.registers import counted, register_filtered, register_parameters, register_title

from . import selectors
from .filters import AssetFilter
from .models import AI_KINDS, AssetKind
from .tabular import ASSET_COLUMNS, asset_export_rows

#: Beyond this the printable register is refused: WeasyPrint needed about 1.9 GB and minutes
#: for 10,000 assets (docs/decisions/0011); the XLSX is the format for a whole large inventory.
PDF_MAX_ASSETS = 5_000

inventory_parameters = register_parameters(AssetFilter, selectors.assets_for, noun="asset")


def _filtered(document):
    return register_filtered(AssetFilter, selectors.assets_for, document)


def build_inventory_xlsx(document, progress) -> bytes:
    queryset = selectors.assets_with_relations(_filtered(document)).order_by("identifier", "id")
    total = queryset.count()
    rows = counted(asset_export_rows(queryset.iterator(chunk_size=1000)), total, progress, end=90)
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
        title=register_title("Asset inventory (XLSX)"),
        description="Asset inventory — Excel workbook",
        content_type=FORMATS[XLSX],
        filename="{organization}-assets-{date}.xlsx",
        capability=Capability.EXPORT,
        parameters=inventory_parameters,
    )
    registry.register(
        "asset_inventory_pdf",
        build_inventory_pdf,
        title=register_title("Asset inventory register"),
        description="Asset inventory — printable register (PDF)",
        content_type="application/pdf",
        filename="{organization}-asset-register-{date}.pdf",
        capability=Capability.EXPORT,
        parameters=inventory_parameters,
    )
