"""Uploads are scanned before they are kept: the malware test signature, active content in
PDFs, macros and zip bombs in Office files are refused; an engine, when configured, has the
last word, and a scan that cannot run refuses rather than lets the file through."""

import io
import sys
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.scanning import EICAR, upload_scan

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(data: bytes, name="evidence.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _docx(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _refusal(upload, content_type) -> str:
    with pytest.raises(ValidationError) as refused:
        upload_scan(upload, content_type=content_type)
    return " ".join(refused.value.message_dict["file"])


def test_a_plain_pdf_and_a_plain_document_pass():
    upload_scan(_upload(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), content_type="application/pdf")
    upload_scan(_upload(_docx({"word/document.xml": "<w:document/>"}), "a.docx", DOCX), content_type=DOCX)


def test_the_malware_test_signature_is_refused_in_any_file():
    upload = _upload(b"log extract\n" + EICAR + b"\n", "log.txt", "text/plain")
    assert "malware scanner found something" in _refusal(upload, "text/plain")


@pytest.mark.parametrize("active", [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFiles", b"/XFA"])
def test_a_pdf_with_active_content_is_refused(active):
    upload = _upload(b"%PDF-1.4\n1 0 obj << /OpenAction << " + active + b" (x) >> >> endobj\n")
    assert "active content" in _refusal(upload, "application/pdf")


def test_an_office_document_with_macros_is_refused():
    upload = _upload(_docx({"word/vbaProject.bin": "macro"}), "a.docx", DOCX)
    assert "macros" in _refusal(upload, DOCX)


def test_a_document_that_expands_far_beyond_its_size_is_refused(settings):
    settings.UPLOAD_SCAN_MAX_EXPANSION = 10
    upload = _upload(_docx({"word/document.xml": "0" * 1_000_000}), "a.docx", DOCX)
    assert "expands far beyond its size" in _refusal(upload, DOCX)


def test_a_configured_engine_decides_and_a_failing_one_refuses(settings):
    clean = _upload(b"%PDF-1.4\nplain\n")
    settings.UPLOAD_SCAN_COMMAND = f"{sys.executable} -c 'import sys; sys.stdin.read()'"
    upload_scan(clean, content_type="application/pdf")
    settings.UPLOAD_SCAN_COMMAND = f"{sys.executable} -c 'import sys; sys.stdin.read(); sys.exit(1)'"
    assert "malware scanner found something" in _refusal(clean, "application/pdf")
    settings.UPLOAD_SCAN_COMMAND = f"{sys.executable} -c 'import sys; sys.exit(2)'"
    assert "could not be scanned" in _refusal(clean, "application/pdf")
    settings.UPLOAD_SCAN_COMMAND = "/nonexistent/scanner"
    assert "could not be scanned" in _refusal(clean, "application/pdf")
