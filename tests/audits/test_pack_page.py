"""The audit pack page: sections to choose and order, the request, this audit's packs with their
status block and SHA-256; viewers 403, another organization 404; its queries do not grow with the
packs."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from audits.pack import build
from audits.pack.requests import audit_pack_request
from documents import registry
from documents.models import GeneratedDocument
from documents.tasks import document_build
from tests.factories import DEFAULT_PASSWORD

from .conftest import plan


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_PARALLEL_PARTS = False


def _client(client, user):
    client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


def _url(audit, slug="acme"):
    return f"/o/{slug}/audits/{audit.pk}/pack/"


def test_the_page_offers_every_section_in_order(client, alice, audit):
    response = _client(client, alice).get(_url(audit))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [
        html.index(f'data-testid="pack-section-{code}"')
        for code in ("scope", "checklist", "soa", "risks", "assets", "impact", "gap", "findings")
    ]
    assert positions == sorted(positions)
    assert "No pack built yet" in html


def test_requesting_a_pack_queues_it_and_the_page_shows_it_with_its_sha(client, alice, audit):
    page = _client(client, alice)
    response = page.post(_url(audit), {"sections": ["scope", "findings"]})
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind="audit_pack")
    assert document.parameters == {"audit": audit.pk, "sections": ["scope", "findings"]}
    assert f"highlight={document.pk}" in response["Location"]
    html = page.get(_url(audit)).content.decode()
    assert 'data-status="queued"' in html and 'hx-trigger="every 2s"' in html
    assert document_build(document.pk) == "done"
    document.refresh_from_db()
    html = page.get(_url(audit)).content.decode()
    assert document.sha256 in html and f"/o/acme/documents/{document.pk}/download/" in html


def _positions(**numbers) -> dict:
    """Every section's position field, as the page posts them: the standard order unless given."""
    return {f"position_{s.code}": numbers.get(s.code, n) for n, s in enumerate(build.SECTIONS, start=1)}


def test_the_sections_are_requested_in_the_order_of_their_positions(client, alice, audit):
    data = {"sections": ["scope", "checklist", "findings"], **_positions(findings=1, scope=2, checklist=3)}
    response = _client(client, alice).post(_url(audit), data)
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind="audit_pack")
    assert document.parameters == {"audit": audit.pk, "sections": ["findings", "scope", "checklist"]}
    # The pack built from the request follows it: its outline is its contents, in order.
    content = registry.kind_get(build.KIND).parts.build_here(document)
    outline = [item.title for item in PdfReader(io.BytesIO(content)).outline if not isinstance(item, list)]
    assert outline == [
        "1. Findings and corrective actions",
        "2. Audit scope, objectives and team",
        "3. Checklist results",
    ]


def test_sections_given_the_same_position_keep_the_order_they_were_posted_in(client, alice, audit):
    # Unticked rows' positions do not count; equal or missing ones keep the posted (page) order.
    data = {"sections": ["gap", "risks", "scope"], **_positions(gap=2, risks=2, scope="", soa=1)}
    assert _client(client, alice).post(_url(audit), data).status_code == 302
    document = GeneratedDocument.objects.get(kind="audit_pack")
    assert document.parameters["sections"] == ["gap", "risks", "scope"]


def test_a_position_out_of_range_is_shown_again_with_the_order_typed(client, alice, audit):
    data = {"sections": ["scope", "findings"], **_positions(findings=1, scope=2, risks=12)}
    response = _client(client, alice).post(_url(audit), data)
    assert response.status_code == 200
    assert not GeneratedDocument.objects.exists()
    html = response.content.decode()
    assert "Position of Risk register: Ensure this value is less than or equal to 8." in html
    # The rows come back in the order typed, with the ticks as they were.
    assert html.index('data-testid="pack-row-findings"') < html.index('data-testid="pack-row-scope"')
    assert 'value="findings" id="section-findings" checked' in html
    assert 'value="soa" id="section-soa" data-testid' in html  # unticked


def test_no_section_chosen_is_refused_with_a_message(client, alice, audit):
    response = _client(client, alice).post(_url(audit), _positions())
    assert response.status_code == 200
    assert "Choose at least one section for the pack." in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_viewers_403_and_other_organizations_404(client, bob, charlie, audit, globex):
    assert _client(client, bob).get(_url(audit)).status_code == 403
    client.logout()
    assert _client(client, charlie).get(_url(audit)).status_code == 404
    assert client.get(_url(audit, "globex")).status_code == 404  # Acme's audit under Globex


def test_the_page_reads_in_a_fixed_number_of_queries(client, acme, alice, audit):
    page = _client(client, alice)
    audit_pack_request(organization=acme, actor=alice, audit=audit)
    page.get(_url(audit))
    with CaptureQueriesContext(connection) as one:
        page.get(_url(audit))
    for _ in range(5):
        audit_pack_request(organization=acme, actor=alice, audit=audit, sections=["scope"])
    plan(acme, alice, title="Another audit")
    with CaptureQueriesContext(connection) as six:
        page.get(_url(audit))
    assert len(six) == len(one)


def test_reading_the_page_and_the_api_writes_nothing(client, acme, alice, audit):
    from tests.test_reads_never_write import _writes

    document = audit_pack_request(organization=acme, actor=alice, audit=audit, sections=["scope"])
    page = _client(client, alice)
    api = "/api/v1/organizations/acme/audit-packs"
    for url in (_url(audit), f"{api}/", f"{api}/?audit={audit.pk}", f"{api}/{document.pk}/"):
        with CaptureQueriesContext(connection) as captured:
            assert page.get(url).status_code == 200, url
        assert _writes(captured.captured_queries) == [], url


def test_the_audit_page_links_to_its_pack_for_those_who_may_build_it(client, alice, bob, audit):
    html = _client(client, alice).get(f"/o/acme/audits/{audit.pk}/").content.decode()
    assert f'href="{_url(audit)}"' in html
    client.logout()
    html = _client(client, bob).get(f"/o/acme/audits/{audit.pk}/").content.decode()
    assert 'data-testid="pack-link"' not in html  # a viewer may not export
