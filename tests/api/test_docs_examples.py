"""The Python examples of ``docs/api.md`` run against a live server, as an integrator would
run them: each in its own interpreter, reading ``GRC_URL``, ``GRC_TOKEN``, ``GRC_ORG`` (and
the others the page lists) from the environment. So the page cannot rot."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api_tokens.services import api_token_create
from assets.models import Asset, AssetRelation
from tests.factories import AIRiskFactory, RiskFactory

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "api.md"
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(language: str) -> list[str]:
    return [code for lang, code in _BLOCK.findall(DOCS.read_text()) if lang == language]


def journeys() -> dict[str, str]:
    found = {}
    for code in blocks("python"):
        first = code.splitlines()[0]
        assert first.startswith("# journey: "), f"Every Python example names its journey: {first!r}"
        found[first.removeprefix("# journey: ")] = code
    return found


def run(code: str, env: dict, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": os.environ.get("PATH", ""), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def integration(live_server, acme, alice, password, tmp_path):
    issued = api_token_create(user=alice, name="Docs examples")
    return {
        "GRC_URL": live_server.url,
        "GRC_TOKEN": issued.secret,
        "GRC_ORG": acme.slug,
        "GRC_USERNAME": alice.username,
        "GRC_PASSWORD": password,
    }


def test_the_page_has_an_example_for_each_journey():
    assert set(journeys()) == {
        "get a token",
        "push assets from a CSV export",
        "read risks filtered by category and level",
        "fetch the latest SoA version and its PDF",
        "request and download an audit pack",
    }
    assert len(blocks("bash")) >= 4  # and a curl example beside each


def test_the_get_a_token_example_issues_a_working_token(integration, alice, tmp_path):
    out = run(journeys()["get a token"], integration, tmp_path)
    assert out.startswith("token ") and "CMDB sync" in out
    assert alice.api_tokens.filter(name="CMDB sync").exists()
    assert integration["GRC_PASSWORD"] not in out


def test_the_csv_push_example_creates_the_export_s_assets(integration, acme, tmp_path):
    export = tmp_path / "cmdb-export.csv"
    export.write_text(blocks("csv")[0])
    out = run(
        journeys()["push assets from a CSV export"], {**integration, "GRC_ASSETS_CSV": str(export)}, tmp_path
    )
    assert "created CMDB-WEB-01" in out and "created CMDB-APP-01" in out
    app = Asset.objects.get(organization=acme, identifier="CMDB-APP-01")
    assert app.confidentiality == 4 and app.classification == "confidential"
    assert AssetRelation.objects.get(source=app).target.identifier == "CMDB-WEB-01"
    # Sent again, the same identifiers are refused item by item, and the example says so.
    done = subprocess.run(
        [sys.executable, "-c", journeys()["push assets from a CSV export"]],
        env={"PATH": os.environ.get("PATH", ""), **integration, "GRC_ASSETS_CSV": str(export)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "item 0, identifier" in done.stdout, done.stdout + done.stderr


def test_the_risk_example_reads_only_the_ai_risks_at_high_or_above(integration, acme, alice, tmp_path):
    AIRiskFactory(
        organization=acme, owner=alice, title="Biased triage model", inherent_likelihood=5, inherent_impact=5
    )
    AIRiskFactory(
        organization=acme, owner=alice, title="Drifting chatbot", inherent_likelihood=1, inherent_impact=1
    )
    RiskFactory(organization=acme, owner=alice, title="Ransomware", inherent_likelihood=5, inherent_impact=5)
    out = run(journeys()["read risks filtered by category and level"], integration, tmp_path)
    assert "Biased triage model" in out
    assert "Drifting chatbot" not in out and "Ransomware" not in out


@pytest.mark.worker
def test_the_soa_example_downloads_the_latest_version_s_pdf(
    integration, acme, alice, tmp_path, settings, catalogues
):
    from soa import services
    from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop
    from tests.soa.test_pdf import decided_soa

    decided_soa(acme, alice)
    services.soa_version_approve(organization=acme, actor=alice, change_summary="First")
    services.soa_version_approve(organization=acme, actor=alice, change_summary="Second")
    settings.MEDIA_ROOT = tmp_path / "media"
    celery_queues_purge()
    worker = celery_worker_start(
        extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}, name="docs-examples-worker"
    )
    try:
        out = run(journeys()["fetch the latest SoA version and its PDF"], integration, tmp_path)
    finally:
        celery_worker_stop(worker)
    assert "version 2 " in out
    pdf = tmp_path / "soa-v2.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.worker
def test_the_audit_pack_example_downloads_the_latest_audit_s_pack(
    integration, acme, alice, tmp_path, settings, catalogues
):
    from pypdf import PdfReader

    from audits import services
    from tests.audits.conftest import approve_soa, plan
    from tests.conftest import celery_queues_purge, celery_worker_start, celery_worker_stop

    approve_soa(acme, alice)
    services.audit_start(
        audit=plan(acme, alice, frameworks=["iso27001-2022"], title="Stage 2 audit"), actor=alice
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    celery_queues_purge()
    worker = celery_worker_start(
        extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}, name="docs-examples-worker"
    )
    try:
        out = run(journeys()["request and download an audit pack"], integration, tmp_path)
    finally:
        celery_worker_stop(worker)
    assert "Stage 2 audit" in out and "saved audit-pack.pdf" in out
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "audit-pack.pdf").pages)
    assert "Stage 2 audit" in text
