"""The PDF helper and the asset inventory register built through it, read back with pypdf."""

import io
import json

import pytest
from pypdf import PdfReader

from assets.models import AssetKind
from documents import pdf
from documents.models import DocumentStatus
from documents.tasks import document_build
from tests.factories import AISystemFactory, AssetFactory


@pytest.fixture
def inventory(acme, alice):
    servers = [
        AssetFactory(organization=acme, owner=alice, name=f"Web server {n}", identifier=f"AST-{n:04d}")
        for n in range(1, 41)
    ]
    ai = AISystemFactory(organization=acme, owner=alice, name="Claims assistant", identifier="AST-0100")
    dataset = AssetFactory(
        organization=acme, owner=alice, kind=AssetKind.DATASET, name="Claims history", identifier="AST-0101"
    )
    return servers, ai, dataset


def _built(document):
    assert document_build(document.pk) == "done", document.error
    document.refresh_from_db()
    return document


def _pdf(document, media) -> PdfReader:
    return PdfReader(io.BytesIO((media / document.file.name).read_bytes()))


def test_the_inventory_register_reads_back_as_text_grouped_by_kind(
    acme, alice, inventory, media, request_document
):
    document = _built(request_document(acme, alice, "asset_inventory_pdf"))
    assert document.content_type == "application/pdf"
    reader = _pdf(document, media)
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert len(pages) >= 2
    for n in range(1, 41):
        assert f"AST-{n:04d}" in text
    assert "AST-0100" in text and "Claims assistant" in text and "AST-0101" in text
    assert "Document control" in text and "Acme Corp" in text and f"DOC-{document.pk}" in text
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    # The hardware table spans pages: its header is repeated on the next one.
    assert "Classification" in pages[1] and "AST-00" in pages[1]
    # Grouped by kind, in the inventory's order of kinds.
    assert text.index("Hardware") < text.index("AI system")
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape
    assert round(float(width) / 72 * 25.4) == 297


def test_the_register_embeds_its_rows_as_a_json_attachment(acme, alice, inventory, media, request_document):
    document = _built(
        request_document(acme, alice, "asset_inventory_pdf", {"kind": ["ai_system", "dataset"]})
    )
    reader = _pdf(document, media)
    attachment = json.loads(reader.attachments["asset-inventory.json"][0])
    assert attachment["organization"] == "acme"
    assert attachment["filters"] == {"kind": ["ai_system", "dataset"]}
    assert sorted(a["identifier"] for a in attachment["assets"]) == ["AST-0100", "AST-0101"]
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "AST-0001" not in text
    assert document.title == "Asset inventory register (filtered)"


def test_the_register_of_another_organization_holds_none_of_acmes_assets(
    acme, globex, charlie, inventory, media, request_document
):
    AssetFactory(organization=globex, owner=charlie, name="Globex mainframe", identifier="AST-0001")
    document = _built(request_document(globex, charlie, "asset_inventory_pdf"))
    reader = _pdf(document, media)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Globex mainframe" in text
    assert "Web server" not in text and "Claims assistant" not in text
    assert [a["name"] for a in json.loads(reader.attachments["asset-inventory.json"][0])["assets"]] == [
        "Globex mainframe"
    ]


def test_the_pdf_fetcher_serves_our_static_files_only():
    fetcher = pdf.url_fetcher()
    css = fetcher.fetch("file:///static/css/print.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "https://example.org/style.css",
        "http://127.0.0.1:8000/healthz",
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_page_that_points_outside_never_fetches_it(tmp_path, settings, caplog):
    secret = tmp_path / "secret.css"
    secret.write_text("h1 { color: red }")
    html = f'<link rel="stylesheet" href="file://{secret}"><img src="https://example.org/x.png"><h1>Safe</h1>'
    from weasyprint import HTML

    content = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.url_fetcher()).write_pdf()
    assert content.startswith(b"%PDF")
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any(str(secret) in m for m in refused)
    assert any("example.org" in m for m in refused)


def test_the_failed_pdf_shows_why(acme, alice, request_document, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("cannot load library 'libpango'")

    monkeypatch.setattr("assets.documents.pdf_render", broken)
    document = request_document(acme, alice, "asset_inventory_pdf")
    assert document_build(document.pk) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "unexpected error" in document.error


def test_a_register_too_large_to_print_is_refused_with_the_way_out(
    acme, alice, inventory, request_document, monkeypatch
):
    monkeypatch.setattr("assets.documents.PDF_MAX_ASSETS", 10)
    document = request_document(acme, alice, "asset_inventory_pdf")
    assert document_build(document.pk) == "failed"
    document.refresh_from_db()
    assert document.error.startswith("The printable register holds at most 10 assets")
    assert "matches 42" in document.error and "XLSX" in document.error
