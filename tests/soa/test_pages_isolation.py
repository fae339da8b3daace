"""Charlie (Globex) gets 404 on every SoA page and file of Acme; a member of Acme reads them."""

import pytest
from django.urls import reverse

from soa.services import soa_version_approve

from .conftest import decide_all, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_pages(acme, alice):
    decide_all(acme, alice)
    soa_version_approve(organization=acme, actor=alice, change_summary="v1")
    soa_version_approve(organization=acme, actor=alice, change_summary="v2")
    row = entry(acme, "5.1").pk
    return [
        ("get", reverse("soa:list", args=["acme"])),
        ("get", reverse("soa:export", args=["acme"]) + "?format=xlsx"),
        ("get", reverse("soa:row", args=["acme", row])),
        ("get", reverse("soa:edit", args=["acme", row])),
        ("post", reverse("soa:edit", args=["acme", row])),
        ("post", reverse("soa:bulk_edit", args=["acme"])),
        ("get", reverse("soa:apply_to_mapped", args=["acme", row])),
        ("post", reverse("soa:apply_to_mapped", args=["acme", row])),
        ("get", reverse("soa:history", args=["acme", row])),
        ("get", reverse("soa:versions", args=["acme"])),
        ("get", reverse("soa:approve", args=["acme"])),
        ("post", reverse("soa:approve", args=["acme"])),
        ("get", reverse("soa:version_detail", args=["acme", 1])),
        ("get", reverse("soa:version_diff", args=["acme", 2]) + "?against=1"),
        ("get", reverse("soa:version_export", args=["acme", 1]) + "?format=csv"),
        ("get", reverse("soa:gap_analysis", args=["acme"])),
        ("get", reverse("soa:gap_export", args=["acme"]) + "?format=xlsx"),
    ]


def test_charlie_gets_404_on_every_page_and_export_of_acme(client, acme_pages, charlie):
    client.force_login(charlie)
    for method, url in acme_pages:
        assert getattr(client, method)(url).status_code == 404, url


def test_charlie_gets_404_for_an_acme_row_under_his_own_organization(client, acme, globex, charlie):
    row = entry(acme, "5.1").pk
    client.force_login(charlie)
    for name in ("soa:row", "soa:edit", "soa:apply_to_mapped", "soa:history"):
        assert client.get(reverse(name, args=["globex", row])).status_code == 404, name
    assert client.get(reverse("soa:list", args=["globex"])).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, acme_pages):
    for method, url in acme_pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_bob_the_viewer_reads_every_page_but_no_file_and_no_form(client, acme_pages, bob):
    client.force_login(bob)
    for method, url in acme_pages:
        status = getattr(client, method)(url).status_code
        writes = method == "post" or "/edit/" in url or "approve" in url or "apply-to-mapped" in url
        files = "export" in url
        assert status == (403 if writes or files else 200), url
