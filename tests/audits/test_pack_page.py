"""The audit pack page: sections to choose, the request, this audit's packs with their status
block and SHA-256; viewers 403, another organization 404; its queries do not grow with the packs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.pack.requests import audit_pack_request
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


def test_no_section_chosen_is_refused_with_a_message(client, alice, audit):
    response = _client(client, alice).post(_url(audit), {}, follow=True)
    assert "Choose at least one section" in response.content.decode()


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
