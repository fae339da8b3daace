"""Evidence files: size-limited, their type checked against name and content,
stored under the organization's folder, uploaded only by those who record results."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import services

PDF = b"%PDF-1.4\n% scope statement\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _item(audit):
    return audit.items.order_by("position").first()


def test_an_assigned_auditor_uploads_a_pdf(audit, audrey, tmp_path, acme):
    upload = SimpleUploadedFile("ISMS scope.pdf", PDF, content_type="application/pdf")
    evidence = services.evidence_file_add(item=_item(audit), actor=audrey, upload=upload)
    assert (evidence.name, evidence.content_type, evidence.size) == (
        "ISMS scope.pdf",
        "application/pdf",
        len(PDF),
    )
    stored = Path(evidence.file.path)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(tmp_path / "evidence" / str(acme.pk) / str(audit.pk))
    assert "scope" not in stored.name  # the stored name never comes from the client
    assert len(evidence.sha256) == 64


def test_a_file_whose_content_is_not_its_type_is_refused(audit, audrey):
    upload = SimpleUploadedFile("scope.pdf", PNG, content_type="application/pdf")
    with pytest.raises(ValidationError, match="content is not application/pdf"):
        services.evidence_file_add(item=_item(audit), actor=audrey, upload=upload)


def test_a_name_that_does_not_match_the_type_is_refused(audit, audrey):
    upload = SimpleUploadedFile("run.exe", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError, match="Upload a PDF"):
        services.evidence_file_add(item=_item(audit), actor=audrey, upload=upload)


def test_a_file_over_the_limit_is_refused(audit, audrey, monkeypatch):
    monkeypatch.setattr(services.results, "EVIDENCE_MAX_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        services.evidence_file_add(item=_item(audit), actor=audrey, upload=upload)


def test_an_unassigned_auditor_cannot_upload(audit, axel):
    upload = SimpleUploadedFile("scope.pdf", PDF, content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        services.evidence_file_add(item=_item(audit), actor=axel, upload=upload)


def test_api_upload_and_read_back_on_the_item(api_as, audit, audrey, axel):
    url = f"/api/v1/organizations/acme/audit-items/{_item(audit).pk}/evidence/"
    upload = SimpleUploadedFile("scope.pdf", PDF, content_type="application/pdf")
    assert api_as(axel).post(url, {"file": upload}, format="multipart").status_code == 403
    upload = SimpleUploadedFile("scope.pdf", PDF, content_type="application/pdf")
    response = api_as(audrey).post(url, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    item = api_as(audrey).get(f"/api/v1/organizations/acme/audit-items/{_item(audit).pk}/").json()
    assert [f["name"] for f in item["evidence_files"]] == ["scope.pdf"]


def test_an_infected_file_is_refused_and_nothing_is_kept(audit, audrey, tmp_path):
    from core.scanning import EICAR

    upload = SimpleUploadedFile("log.txt", b"extract\n" + EICAR, content_type="text/plain")
    with pytest.raises(ValidationError, match="malware scanner"):
        services.evidence_file_add(item=_item(audit), actor=audrey, upload=upload)
    assert not any(Path(tmp_path).rglob("log*.txt"))
    assert not _item(audit).evidence_files.exists()
