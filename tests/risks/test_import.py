"""Importing the register is all or nothing, reports every problem with its
line and column, previews before writing, and round-trips an export."""

import io

import pytest
from openpyxl import Workbook

from core.registers.imports import ImportRefused
from core.tabular import table_read
from risks import services
from risks.models import Risk
from risks.tabular import RISK_COLUMNS, risk_import, risk_import_preview
from tests.factories import response_bytes

HEADER = (
    "reference,title,category,owner,threat,affects_availability,ai_harm_area,assets,"
    "inherent_likelihood,inherent_impact,controls,status,acceptance_justification\n"
)
BAD_FILE = (
    HEADER
    # line 2 is fine
    + "R-010,Ransomware on the cluster,information_security,alice,Ransomware,yes,,AST-0001,4,5,"
    + "ISO27001:8.7; ISO42001:A.6.2.8,,\n"
    + ",Robot uprising,robots,alice,,,,,2,2,,,\n"  # 3 category
    + ",Off the scale,information_security,alice,Flood,yes,,,9,2,,,\n"  # 4 likelihood
    + ",Nobody's risk,ai,nobody,,,privacy,,2,2,,,\n"  # 5 owner
    + ",Unknown asset,information_security,alice,Theft,yes,,AST-9999,2,2,,,\n"  # 6 asset
    + ",Unknown control,information_security,alice,Theft,yes,,,2,2,ISO27001:99.1,,\n"  # 7 control
    + ",AI risk without harm,ai,alice,,,,,2,2,,,\n"  # 8 harm area
    + "R-010,Twin,information_security,alice,Theft,yes,,,2,2,,,\n"  # 9 reference twice
    + ",Accepted high risk,information_security,alice,Theft,yes,,,3,4,,accepted,ok\n"  # 10 justification
)


def _rows(content: str, filename: str = "risks.csv"):
    return table_read(content.encode(), columns=RISK_COLUMNS, filename=filename).rows


def test_every_bad_row_is_reported_with_line_and_column(acme, alice, acme_server, catalogues):
    preview = risk_import_preview(organization=acme, actor=alice, rows=_rows(BAD_FILE))
    found = {(e.line, e.column): e.message for e in preview.errors}
    assert found == {
        (3, "category"): "“robots” is not one of information_security, ai, both.",
        (4, "inherent_likelihood"): "The likelihood scale runs from 1 to 5.",
        (5, "owner"): "No member of this organization has the username or email “nobody”.",
        (6, "assets"): "No asset “AST-9999” in this organization.",
        (7, "controls"): "“ISO27001:99.1” is not a control; write e.g. ISO27001:8.28 or ISO42001:A.6.2.8.",
        (8, "ai_harm_area"): "An AI risk names the area where it does harm.",
        (9, "reference"): "R-010 is used by row 1 already.",
        # The one acceptance rule's message, as on the risk's page (services.register.acceptance_errors).
        (10, "acceptance_justification"): "The risk is high, above the risk appetite (medium): explain in at "
        "least 40 characters why it is retained — who decided, compensating measures, until when.",
    }
    assert (preview.valid_count, preview.invalid_count) == (1, 8)


def test_a_file_with_a_bad_row_writes_nothing(acme, alice, acme_server, catalogues):
    with pytest.raises(ImportRefused) as caught:
        risk_import(organization=acme, actor=alice, rows=_rows(BAD_FILE), filename="risks.csv")
    assert len(caught.value.errors) == 8
    assert not Risk.objects.exists()


def test_a_good_file_creates_every_risk_with_links_and_history(acme, alice, acme_server, catalogues):
    content = (
        HEADER
        + "R-010,Ransomware on the cluster,information_security,alice,Ransomware,yes,,ast-0001,Likely,5,"
        + "ISO27001:8.7; A.6.2.8,,\n"
        + ',Model drift,ai,alice@example.org,,,"Robustness, accuracy and drift",,3,3,,accepted,'
        + "Monitored weekly.\n"
    )
    risks = risk_import(organization=acme, actor=alice, rows=_rows(content), filename="register.csv")
    first, second = sorted(risks, key=lambda r: r.number)
    assert (first.reference, first.inherent_likelihood, first.level) == ("R-010", 4, "critical")
    assert [link.asset for link in first.asset_links.all()] == [acme_server]
    assert sorted(link.control.reference for link in first.control_links.all()) == ["8.7", "A.6.2.8"]
    assert (second.reference, second.ai_harm_area, second.status) == (
        "R-011",
        "robustness_accuracy_drift",
        "accepted",
    )
    assert (second.accepted_by, second.acceptance_justification) == (alice, "Monitored weekly.")
    history = first.history.get()
    assert (history.history_user, history.history_change_reason) == (alice, "Imported from register.csv")


def test_only_approvers_import_accepted_risks(acme, carol, catalogues):
    content = HEADER + ",Drift,ai,carol,,,privacy,,2,2,,accepted,Fine.\n"
    preview = risk_import_preview(organization=acme, actor=carol, rows=_rows(content))
    assert [(e.line, e.column) for e in preview.errors] == [(2, "status")]


def test_an_existing_reference_is_refused(acme, alice, security_values):
    services.risk_create(organization=acme, actor=alice, values=security_values)
    content = HEADER + "R-001,Copy,information_security,alice,Theft,yes,,,2,2,,,\n"
    preview = risk_import_preview(organization=acme, actor=alice, rows=_rows(content))
    assert [(e.line, e.column, e.message) for e in preview.errors] == [
        (2, "reference", "R-001 already exists in this organization.")
    ]


def test_an_export_imports_back_into_the_same_register(
    client, acme, alice, olivia, acme_server, acme_ai, catalogues, password
):
    from controls.models import Control

    controls = list(Control.objects.filter(reference__in=["8.28", "A.6.2.8"]))
    services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": 'Prompt injection, "quoted"; with = formula-like text',
            "description": "=cmd|' /C calc'!A0\nsecond line",
            "category": "both",
            "threat": "Fraudster",
            "vulnerability": "Untrusted documents",
            "affects_integrity": True,
            "ai_harm_area": "model_security",
            "owner": olivia,
            "inherent_likelihood": 3,
            "inherent_impact": 4,
            "treatment": "modify",
            "treatment_plan": "Filter and log.",
            "residual_likelihood": 2,
            "residual_impact": 3,
            "status": "in_treatment",
        },
        assets=[acme_ai, acme_server],
        controls=controls,
    )
    accepted = services.risk_create(
        organization=acme,
        actor=alice,
        values={
            "title": "Small risk",
            "category": "ai",
            "ai_harm_area": "privacy",
            "owner": alice,
            "inherent_likelihood": 1,
            "inherent_impact": 2,
        },
    )
    services.risk_accept(risk=accepted, actor=alice, justification="Negligible.")
    fields = [
        "number",
        "title",
        "description",
        "category",
        "threat",
        "vulnerability",
        "affects_integrity",
        "ai_harm_area",
        "owner_id",
        "inherent_score",
        "treatment",
        "treatment_plan",
        "residual_score",
        "status",
        "next_review_date",
        "acceptance_justification",
        "level",
    ]
    before = {r.number: ({f: getattr(r, f) for f in fields}, _links(r)) for r in Risk.objects.all()}

    client.login(username="alice", password=password)
    for fmt in ("csv", "xlsx"):
        exported = response_bytes(client.get("/o/acme/risks/export/", {"format": fmt}))
        for risk in Risk.objects.all():
            services.risk_delete(risk=risk, actor=alice)
        upload = io.BytesIO(exported)
        upload.name = f"register.{fmt}"
        preview = client.post("/o/acme/risks/import/", {"file": upload})
        assert preview.status_code == 200 and preview.context["preview"].is_valid, list(
            preview.context["preview"].errors
        )
        assert not Risk.objects.exists()
        done = client.post("/o/acme/risks/import/confirm/", {"token": preview.context["token"]})
        assert done.status_code == 302
        after = {r.number: ({f: getattr(r, f) for f in fields}, _links(r)) for r in Risk.objects.all()}
        assert after == before, fmt


def _links(risk):
    return (
        sorted(link.asset_id for link in risk.asset_links.all()),
        sorted(link.control_id for link in risk.control_links.all()),
    )


def test_xlsx_errors_carry_the_sheet_row_number(acme, alice):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "category", "owner", "inherent_likelihood", "inherent_impact", "ai_harm_area"])
    sheet.append(["Drift", "ai", "alice", 2, 2, "privacy"])
    sheet.append([])
    sheet.append(["Bias", "ai", "alice", 2, "huge", "fairness_bias"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = table_read(buffer.getvalue(), columns=RISK_COLUMNS, filename="r.xlsx").rows
    preview = risk_import_preview(organization=acme, actor=alice, rows=rows)
    assert [(e.line, e.column) for e in preview.errors] == [(4, "inherent_impact")]


def test_the_import_page_lists_problems_and_offers_no_confirm(client, acme, alice, password, catalogues):
    client.login(username="alice", password=password)
    upload = io.BytesIO(BAD_FILE.encode())
    upload.name = "bad.csv"
    html = client.post("/o/acme/risks/import/", {"file": upload}).content.decode()
    assert "Nothing will be imported until every row is valid" in html
    assert "is not one of information_security, ai, both" in html
    assert 'data-testid="confirm-import"' not in html


def test_a_tampered_preview_token_is_refused(client, acme, alice, password):
    client.login(username="alice", password=password)
    response = client.post("/o/acme/risks/import/confirm/", {"token": "forged"}, follow=True)
    assert "expired or was altered" in response.content.decode()
