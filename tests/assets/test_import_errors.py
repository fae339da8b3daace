"""A file with bad rows writes nothing and reports every problem with its line and column."""

import io

from openpyxl import Workbook

from assets.models import Asset
from assets.tabular import ASSET_COLUMNS, asset_import, asset_import_preview
from core.registers.imports import ImportRefused
from core.tabular import table_read

HEADER = "identifier,name,kind,owner,confidentiality,ai_risk_class,ai_intended_purpose,relations\n"

BAD_FILE = (
    HEADER
    + "AST-0100,Good server,hardware,alice,3,,,\n"  # line 2: fine
    + "AST-0101,Robot,robot,alice,3,,,\n"  # line 3: unknown kind
    + "AST-0102,Too sensitive,hardware,alice,9,,,\n"  # line 4: bad rating
    + "AST-0103,,software,alice,3,,,\n"  # line 5: missing name
    + "AST-0104,Orphan,site,nobody,3,,,\n"  # line 6: unknown owner
    + "AST-0105,Server with AI,hardware,alice,3,high,,\n"  # line 7: AI field on information kind
    + "AST-0100,Twin,hardware,alice,3,,,\n"  # line 8: duplicate identifier
    + "AST-0106,Lonely system,software,alice,3,,,uses:AST-9999\n"  # line 9: unknown relation target
)


def _rows(content: bytes):
    return table_read(content, columns=ASSET_COLUMNS, filename="assets.csv").rows


def test_every_bad_row_is_reported_with_line_column_and_message(acme, alice):
    preview = asset_import_preview(organization=acme, actor=alice, rows=_rows(BAD_FILE.encode()))
    found = {(e.line, e.column): e.message for e in preview.errors}
    assert found == {
        (3, "kind"): "“robot” is not a kind of asset: use one of information, software, hardware, service, "
        "people, site, supplier, ai_system, ai_model, dataset, ai_service.",
        (4, "confidentiality"): "“9” is not a rating: use a whole number from 1 to 5.",
        (5, "name"): "Give the asset a name.",
        (6, "owner"): "No member of this organization has the username or email “nobody”.",
        (
            7,
            "ai_risk_class",
        ): "EU AI Act risk class is only for AI assets; leave it empty for an information asset.",
        (8, "identifier"): "“AST-0100” is already used on line 2.",
        (9, "relations"): "No asset “AST-9999” in this file or in the organization.",
    }
    assert (preview.valid_count, preview.invalid_count) == (1, 7)


def test_a_file_with_a_bad_row_writes_nothing(acme, alice):
    try:
        asset_import(organization=acme, actor=alice, rows=_rows(BAD_FILE.encode()), filename="assets.csv")
    except ImportRefused as exc:
        assert len(exc.errors) == 7
    else:
        raise AssertionError("the import should have failed")
    assert not Asset.objects.exists()


def test_an_identifier_already_in_the_organization_is_refused(acme, alice, acme_server):
    rows = _rows((HEADER + "AST-0001,Copy,hardware,alice,3,,,\n").encode())
    preview = asset_import_preview(organization=acme, actor=alice, rows=rows)
    assert [(e.line, e.column, e.message) for e in preview.errors] == [
        (2, "identifier", "“AST-0001” already exists in this organization.")
    ]


def test_a_required_ai_field_missing_for_the_kind_is_reported(acme, alice):
    rows = _rows((HEADER + ",Assistant,ai_system,alice,3,limited,,\n").encode())
    preview = asset_import_preview(organization=acme, actor=alice, rows=rows)
    columns = {e.column for e in preview.errors}
    assert {"ai_intended_purpose", "ai_role", "ai_lifecycle_stage"} <= columns
    assert all(e.line == 2 for e in preview.errors)


def test_xlsx_errors_carry_the_sheet_row_number(acme, alice):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "kind", "owner"])
    sheet.append(["Laptop fleet", "hardware", "alice"])
    sheet.append([])
    sheet.append(["Mystery", "gizmo", "alice"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = table_read(buffer.getvalue(), columns=ASSET_COLUMNS, filename="assets.xlsx").rows
    preview = asset_import_preview(organization=acme, actor=alice, rows=rows)
    assert [(e.line, e.column) for e in preview.errors] == [(4, "kind")]


def test_the_import_page_previews_then_writes_on_confirm(client, acme, alice, password):
    client.login(username="alice", password=password)
    upload = io.BytesIO((HEADER + ",Mail server,hardware,alice@example.org,4,,,\n").encode())
    upload.name = "inventory.csv"
    preview = client.post("/o/acme/assets/import/", {"file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "All 1 row are valid" in html or "All 1 row is valid" in html or "are valid" in html
    assert not Asset.objects.exists()
    token = preview.context["token"]
    done = client.post("/o/acme/assets/import/confirm/", {"token": token})
    assert done.status_code == 302
    asset = Asset.objects.get()
    assert (asset.name, asset.identifier, asset.owner, asset.criticality) == (
        "Mail server",
        "AST-0001",
        alice,
        "high",
    )


def test_the_import_page_lists_the_problems_and_offers_no_confirm(client, acme, alice, password):
    client.login(username="alice", password=password)
    upload = io.BytesIO(BAD_FILE.encode())
    upload.name = "bad.csv"
    response = client.post("/o/acme/assets/import/", {"file": upload})
    html = response.content.decode()
    assert "Nothing will be imported until every row is valid" in html
    assert "is not a kind of asset" in html
    assert 'data-testid="confirm-import"' not in html


def test_a_tampered_preview_token_is_refused(client, acme, alice, password):
    client.login(username="alice", password=password)
    response = client.post("/o/acme/assets/import/confirm/", {"token": "forged"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert not Asset.objects.exists()


def test_a_file_without_required_columns_is_refused_at_upload(client, acme, alice, password):
    client.login(username="alice", password=password)
    upload = io.BytesIO(b"title,type\nServer,hardware\n")
    upload.name = "wrong.csv"
    response = client.post("/o/acme/assets/import/", {"file": upload})
    assert "lacks the required columns name, kind, owner" in response.content.decode()


def test_the_templates_carry_every_column(client, acme, alice, password):
    from openpyxl import load_workbook

    client.login(username="alice", password=password)
    csv_template = client.get("/o/acme/assets/import/template.csv").content.decode("utf-8-sig")
    assert csv_template.strip() == ",".join(c.header for c in ASSET_COLUMNS)
    workbook = load_workbook(io.BytesIO(client.get("/o/acme/assets/import/template.xlsx").content))
    assert [c.value for c in workbook["Assets"][1]] == [c.header for c in ASSET_COLUMNS]
    assert client.get("/o/acme/assets/import/template.pdf").status_code == 404


def _preview_token(client, text: str) -> str:
    upload = io.BytesIO(text.encode())
    upload.name = "inventory.csv"
    return client.post("/o/acme/assets/import/", {"file": upload}).context["token"]


def test_a_change_between_preview_and_confirm_writes_nothing_and_shows_the_preview_again(
    client, acme, alice, password
):
    from tests.factories import AssetFactory

    client.login(username="alice", password=password)
    token = _preview_token(client, HEADER + "AST-0100,Mail server,hardware,alice,4,,,\n")
    AssetFactory(organization=acme, owner=alice, identifier="AST-0100", name="Taken meanwhile")

    response = client.post("/o/acme/assets/import/confirm/", {"token": token})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The inventory changed since the preview; nothing was imported." in html
    assert "AST-0100" in html
    assert list(Asset.objects.values_list("name", flat=True)) == ["Taken meanwhile"]


def test_a_preview_cannot_be_confirmed_by_another_user(client, acme, alice, password, make_member):
    client.login(username="alice", password=password)
    token = _preview_token(client, HEADER + ",Mail server,hardware,alice,4,,,\n")
    make_member(acme, "compliance_officer", "olivia")
    client.logout()
    client.login(username="olivia", password=password)
    assert client.post("/o/acme/assets/import/confirm/", {"token": token}).status_code == 403
    assert not Asset.objects.exists()
