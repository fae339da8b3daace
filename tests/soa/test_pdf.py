"""The Statement of Applicability PDF built in-process through the generated-documents
task (as a worker runs it), read back with pdftotext and pypdf: every control of both
standards with its decision and status, the document control block, the draft
watermark, and the rows attached as JSON equal to the version's rows."""

import hashlib
import io
import json
import re
import subprocess

import pytest
from django.template.loader import render_to_string
from django.utils.formats import date_format
from pypdf import PdfReader

from core.freezing import RecordFrozen
from documents.models import DocumentStatus
from documents.tasks import document_build
from soa import documents as soa_documents
from soa import selectors, services
from soa.models import SoAVersion
from soa.versions import row_payload

from .conftest import decide_all, entry, risk_treated_by

DECISION = {True: "Applicable", False: "Not applicable", None: "Undecided"}
STATUS = {
    "not_started": "Not started",
    "planned": "Planned",
    "partial": "Partially implemented",
    "implemented": "Implemented",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def decided_soa(organization, actor):
    """A realistic SoA: everything decided, some exclusions, statuses, reasons and a treated risk."""
    decide_all(organization, actor)
    risk = risk_treated_by(organization, actor, "5.15", "8.7", "A.6.2.4")
    services.soa_entry_update(
        entry=entry(organization, "7.4"),
        actor=actor,
        values={"applicable": False, "exclusion_justification": "No premises of our own: fully remote."},
    )
    services.soa_entry_update(
        entry=entry(organization, "5.34"),
        actor=actor,
        values={"status": "implemented", "owner": actor, "implementation_notes": "Privacy office"},
        reasons=[{"kind": "legal_regulatory", "note": "GDPR Art. 32"}],
    )
    services.soa_entry_update(entry=entry(organization, "8.7"), actor=actor, values={"status": "partial"})
    services.soa_entry_update(entry=entry(organization, "A.6.2.4"), actor=actor, values={"status": "planned"})
    return risk


@pytest.fixture
def version(acme, alice):
    risk = decided_soa(acme, alice)
    version = services.soa_version_approve(
        organization=acme, actor=alice, change_summary="First approved SoA"
    )
    version.risk = risk
    return version


def build(organization, actor, version=None):
    document = soa_documents.soa_pdf_request(organization=organization, actor=actor, version=version)
    assert document_build(document.pk) == "done", document.error
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    return document


def pdf_bytes(document, media) -> bytes:
    content = (media / document.file.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    return content


def pdftotext(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode("utf-8")


def assert_every_row_reads_back(text: str, payloads: list[dict]) -> None:
    """Each control's reference starts a line of the table that also carries its decision and status."""
    lines = text.splitlines()
    for row in payloads:
        pattern = re.compile(rf"^\s*{re.escape(row['reference'])}\s")
        found = [line for line in lines if pattern.match(line)]
        assert found, f"{row['framework']} {row['reference']} is not in the text"
        assert any(DECISION[row["applicable"]] in line and STATUS[row["status"]] in line for line in found), (
            f"{row['reference']}: {found}"
        )
    assert len(payloads) == 131


def test_the_version_pdf_reads_back_every_control_with_its_decision_and_status(acme, alice, version, media):
    document = build(acme, alice, version)
    content = pdf_bytes(document, media)
    text = pdftotext(content)
    payloads = [row_payload(row) for row in selectors.version_rows(version)]
    assert_every_row_reads_back(text, payloads)
    # The document control block
    assert "Document control" in text
    assert "Statement of Applicability — version 1" in text
    assert "Acme Corp" in text and "Alice Archer" in text and "First approved SoA" in text
    assert date_format(version.approved_at) in text  # "30 May 2027", as everywhere
    assert version.rows_sha256 in text.replace("\n", "")
    assert "Generated" in text and f"DOC-{document.pk}" in text
    # Scope, summaries, reasons with their risk references, crosswalk, page numbers
    assert "Scope" in text and "Summary per standard" in text
    assert version.risk.reference in text
    assert "No premises of our own: fully remote." in text
    assert "GDPR Art. 32" in text
    assert re.search(r"A\.6\.2\.4.*ISO.*8\.", text) or "ISO/IEC 27001" in text
    pages = PdfReader(io.BytesIO(content)).pages
    assert f"Page 1 of {len(pages)}" in pages[0].extract_text()
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()
    assert "DRAFT" not in text
    # The table header is repeated on every page of the rows.
    assert sum("Reasons for inclusion" in page.extract_text() for page in pages) >= len(pages) - 3


def test_the_version_pdf_embeds_the_versions_rows_as_json(acme, alice, version, media):
    document = build(acme, alice, version)
    reader = PdfReader(io.BytesIO(pdf_bytes(document, media)))
    attached = json.loads(reader.attachments["soa-rows.json"][0])
    assert attached["rows"] == [row_payload(row) for row in selectors.version_rows(version)]
    assert attached["rows_sha256"] == version.rows_sha256
    assert attached["version"] == 1 and attached["draft"] is False and attached["organization"] == "acme"
    canonical = json.dumps(attached["rows"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == version.rows_sha256


def test_the_draft_pdf_is_watermarked_on_every_page_and_prints_the_live_table(acme, alice, media):
    decided_soa(acme, alice)
    services.soa_entry_update(
        entry=entry(acme, "A.5.2"),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "Decided later"},
    )
    entry_live = entry(acme, "5.1")
    entry_live.applicable = None
    entry_live.save()
    document = build(acme, alice)
    assert document.kind == "soa_draft_pdf"
    content = pdf_bytes(document, media)
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        assert "DRAFT" in page.extract_text()
    text = pdftotext(content)
    assert "not approved" in text
    attached = json.loads(reader.attachments["soa-rows.json"][0])
    assert attached["draft"] is True and attached["version"] is None
    assert_every_row_reads_back(text, attached["rows"])
    rows = {row["reference"]: row for row in attached["rows"]}
    assert rows["5.1"]["applicable"] is None and rows["A.5.2"]["applicable"] is False


def test_building_the_pdf_writes_nothing_to_the_version_which_stays_frozen(acme, alice, version):
    before = (version.rows_sha256, version.change_summary, version.rows.count())
    build(acme, alice, version)
    fresh = SoAVersion.objects.get(pk=version.pk)
    assert (fresh.rows_sha256, fresh.change_summary, fresh.rows.count()) == before
    fresh.change_summary = "Rewritten after the PDF"
    with pytest.raises(RecordFrozen):
        fresh.save()
    with pytest.raises(RecordFrozen):
        fresh.rows.update(title="Changed")


def test_a_version_pdf_for_a_number_that_does_not_exist_is_refused(acme, alice):
    from django.core.exceptions import ValidationError

    from documents import services as document_services

    with pytest.raises(ValidationError):
        document_services.document_request(
            organization=acme, actor=alice, kind="soa_version_pdf", parameters={"version": 7}
        )


def test_the_version_partial_offers_the_build_and_shows_the_latest_document(acme, alice, version):
    context = {"organization": acme, "version": version, "document": None, "can_export": True}
    html = render_to_string("soa/_version_pdf.html", context)
    assert "Build the PDF" in html
    assert f"/o/acme/soa/versions/{version.number}/pdf/" in html
    document = soa_documents.soa_pdf_request(organization=acme, actor=alice, version=version)
    latest = soa_documents.soa_version_documents(acme, version).first()
    assert latest == document
    html = render_to_string("soa/_version_pdf.html", {**context, "document": latest})
    assert 'data-status="queued"' in html and "hx-get" in html and f"/documents/{document.pk}/status/" in html
    document_build(document.pk)
    latest = soa_documents.soa_version_documents(acme, version).first()
    html = render_to_string("soa/_version_pdf.html", {**context, "document": latest})
    assert f"/o/acme/documents/{document.pk}/download/" in html
    assert 'data-status="done"' in html and 'hx-trigger="every 2s"' not in html
    # A member whose role may not export sees no button.
    html = render_to_string("soa/_version_pdf.html", {**context, "document": None, "can_export": False})
    assert "Build the PDF" not in html and "may not export" in html


def test_the_summary_counts_each_standards_rows_from_the_data(acme, alice, version, media):
    text = pdftotext(pdf_bytes(build(acme, alice, version), media))
    summary = text[text.index("Summary per standard") : text.index("5 Organizational controls")]
    iso27001, iso42001 = summary.split("ISO/IEC 42001:2023 Information technology")
    squeeze = lambda part: re.sub(r"\s+", " ", part)  # noqa: E731
    # 27001: 93 rows, 7.4 excluded; 5.34 implemented, 8.7 partial, the other 90 not started.
    assert "Applicable 92 98.9 %" in squeeze(iso27001) and "Not applicable 1 1.1 %" in squeeze(iso27001)
    assert "Implemented 1 1.1 %" in squeeze(iso27001) and "Not started 90 97.8 %" in squeeze(iso27001)
    # 42001: all 38 applicable, A.6.2.4 planned.
    assert "Applicable 38 100.0 %" in squeeze(iso42001) and "Planned 1 2.6 %" in squeeze(iso42001)
    assert "Not started 37 97.4 %" in squeeze(iso42001)
