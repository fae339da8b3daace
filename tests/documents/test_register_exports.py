"""Large register exports: CSV streams, XLSX beyond the inline limit is offered as a
generated document (asked for by POST, never by the GET), built by the worker's code path
from the same filters, and scoped to the organization."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from core.tabular import Column, csv_chunks, table_write
from documents.models import GeneratedDocument
from documents.tasks import document_build
from tests.factories import AIRiskFactory, AssetFactory, RiskFactory, response_bytes


@pytest.fixture
def small_limit(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2


@pytest.fixture
def register(acme, alice, globex, charlie):
    for n in range(3):
        RiskFactory(organization=acme, owner=alice, title=f"Information risk {n}")
    for n in range(2):
        AIRiskFactory(organization=acme, owner=alice, title=f"AI risk {n}")
    RiskFactory(organization=globex, owner=charlie, title="Globex secret risk")


def _form_fields(html: str, testid: str) -> list[tuple[str, str]]:
    form = re.search(rf'<form[^>]*action="([^"]+)"[^>]*>(?:(?!</form>).)*data-testid="{testid}"', html, re.S)
    assert form, f"no form with {testid}"
    return form.group(1), re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))


def test_csv_chunks_write_the_same_file_as_table_write_a_chunk_at_a_time():
    columns = [Column("reference", "Reference"), Column("title", "Title")]
    rows = [[f"R-{n}", "=SUM(A1)" if n == 3 else f"Title {n}"] for n in range(1, 1201)]
    chunks = list(csv_chunks(iter(rows), columns=columns, rows_per_chunk=500))
    assert len(chunks) == 3  # 500 + 500 + 200 rows
    assert b"".join(chunks) == table_write(rows, columns=columns, fmt="csv")
    parsed = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert parsed[0] == ["Reference", "Title"]
    assert parsed[3] == ["R-3", "'=SUM(A1)"]  # formulas stay text
    assert len(parsed) == 1201


def test_the_csv_export_streams(client, alice, register, small_limit):
    client.force_login(alice)
    response = client.get("/o/acme/risks/export/", {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    text = response_bytes(response).decode("utf-8-sig")
    assert text.count("Information risk") == 3 and "Globex secret risk" not in text


def test_a_small_xlsx_is_still_built_in_the_request(client, alice, register):
    client.force_login(alice)
    response = client.get("/o/acme/risks/export/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 6


def test_a_large_xlsx_is_offered_in_the_background_and_the_get_writes_nothing(
    client, alice, register, small_limit
):
    client.force_login(alice)
    response = client.get(
        "/o/acme/risks/export/", {"format": "xlsx", "category": "information_security", "page": "2"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "export 5 rows" not in html  # the count is of the filtered rows: three
    assert "Risk register: export 3 rows to Excel" in html
    action, fields = _form_fields(html, "export-background-submit")
    assert action == "/o/acme/documents/request/"
    assert ("kind", "risk_register_xlsx") in fields
    assert ("p_category", "information_security") in fields
    assert not any(name == "p_page" for name, _ in fields)  # paging says nothing about which risks
    assert not GeneratedDocument.objects.exists()


def test_the_register_page_says_a_large_workbook_is_built_in_the_background(
    client, alice, register, small_limit
):
    client.force_login(alice)
    html = client.get("/o/acme/risks/").content.decode()
    assert "large: built in the background" in html
    assert 'data-testid="background-export-risk_register_xlsx"' in html


def test_the_background_workbook_holds_the_filtered_risks_of_the_organization_only(
    client, alice, register, small_limit, media
):
    client.force_login(alice)
    response = client.post(
        "/o/acme/documents/request/", {"kind": "risk_register_xlsx", "p_category": "information_security"}
    )
    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.organization.slug == "acme" and document.parameters == {
        "category": ["information_security"]
    }
    assert document.title == "Risk register (XLSX) (filtered)"
    assert document_build(document.pk) == "done"
    document.refresh_from_db()
    download = client.get(f"/o/acme/documents/{document.pk}/download/")
    rows = list(load_workbook(io.BytesIO(response_bytes(download))).active.iter_rows(values_only=True))
    titles = sorted(row[rows[0].index("title")] for row in rows[1:])
    assert titles == ["Information risk 0", "Information risk 1", "Information risk 2"]


def test_a_background_workbook_refuses_unknown_filters(client, alice, register):
    client.force_login(alice)
    response = client.post(
        "/o/acme/documents/request/", {"kind": "risk_register_xlsx", "p_colour": "red"}, follow=True
    )
    assert "Unknown risk filter(s): colour" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_a_viewer_cannot_export_in_the_background(client, bob, register, small_limit):
    client.force_login(bob)
    assert client.get("/o/acme/risks/export/", {"format": "xlsx"}).status_code == 403
    assert client.post("/o/acme/documents/request/", {"kind": "risk_register_xlsx"}).status_code == 403


def test_the_asset_inventory_offers_its_background_workbook_too(client, acme, alice, small_limit):
    for n in range(5):
        AssetFactory(organization=acme, owner=alice, name=f"Server {n}")
    client.force_login(alice)
    response = client.get("/o/acme/assets/export/", {"format": "xlsx", "kind": "server"})
    _, fields = _form_fields(response.content.decode(), "export-background-submit")
    assert ("kind", "asset_inventory_xlsx") in fields and ("p_kind", "server") in fields
    csv_response = client.get("/o/acme/assets/export/", {"format": "csv"})
    assert csv_response.streaming and response_bytes(csv_response).decode("utf-8-sig").count("Server ") == 5
