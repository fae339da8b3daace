"""The inventory page hands its filters to a background export: the file holds what the page shows."""

import io
import re

from openpyxl import load_workbook

from documents.models import GeneratedDocument
from documents.tasks import document_build
from tests.factories import AISystemFactory, AssetFactory


def test_the_inventory_exports_its_filtered_assets_in_the_background(
    client, acme, alice, media, django_capture_on_commit_callbacks
):
    AssetFactory(organization=acme, owner=alice, name="Web server", identifier="AST-0001")
    AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0002")
    client.force_login(alice)
    html = client.get("/o/acme/assets/", {"kind": "ai_system", "ordering": "name"}).content.decode()
    form = re.search(r'<form[^>]*data-testid="background-export-asset_inventory_xlsx".*?</form>', html, re.S)
    assert form, "the export menu offers the background XLSX"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    assert ("kind", "asset_inventory_xlsx") in fields and ("p_kind", "ai_system") in fields
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/o/acme/documents/request/", data)
    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.parameters == {"kind": ["ai_system"]}  # sorting is not a filter
    assert document_build(document.pk) == "done"
    document.refresh_from_db()
    rows = list(
        load_workbook(io.BytesIO((media / document.file.name).read_bytes()), read_only=True)[
            "Assets"
        ].iter_rows(values_only=True)
    )
    assert [r[:2] for r in rows[1:]] == [("AST-0002", "Claims assistant")]
