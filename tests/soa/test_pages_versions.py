"""Approving versions in the browser, reading them, comparing them, exporting them."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.roles import Role
from soa.models import SoAVersion
from soa.services import soa_entry_update, soa_version_approve
from tests.factories import response_bytes

from .conftest import decide_all, entry

pytestmark = pytest.mark.django_db


def _approve_url():
    return reverse("soa:approve", args=["acme"])


def test_approval_is_refused_with_the_blocking_rows_linked(client, acme, olivia):
    client.force_login(olivia)
    page = client.get(_approve_url())
    html = page.content.decode()
    assert html.count('data-testid="blocking-row"') == 131
    response = client.post(_approve_url(), {"change_summary": "First version."})
    assert response.status_code == 200
    assert len(response.context["blocking"]) == 131
    row = entry(acme, "5.1")
    assert reverse("soa:edit", args=["acme", row.pk]) in response.content.decode()
    assert not SoAVersion.objects.exists()


def test_an_officer_approves_version_1_and_an_auditor_reads_it(client, acme, olivia, make_member):
    decide_all(acme, olivia)
    client.force_login(olivia)
    response = client.post(_approve_url(), {"change_summary": "First joint SoA."})
    assert response.status_code == 302
    assert response["Location"] == reverse("soa:version_detail", args=["acme", 1])
    version = SoAVersion.objects.get(organization=acme)
    auditor = make_member(acme, Role.AUDITOR, "audrey")
    client.force_login(auditor)
    listing = client.get(reverse("soa:versions", args=["acme"])).content.decode()
    assert 'data-number="1"' in listing and 'data-testid="approve-link"' not in listing
    detail = client.get(reverse("soa:version_detail", args=["acme", 1]))
    html = detail.content.decode()
    assert version.rows_sha256 in html
    assert "First joint SoA." in html and "olivia" in html.lower()
    assert len(detail.context["rows"]) == 131
    assert client.get(_approve_url()).status_code == 403


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.AUDITOR])
def test_only_officers_and_admins_approve(client, acme, make_member, role):
    decide_all(acme, None)
    member = make_member(acme, role, f"m-{role}")
    client.force_login(member)
    assert client.post(_approve_url(), {"change_summary": "Mine."}).status_code == 403
    assert not SoAVersion.objects.exists()


def test_the_approval_page_shows_what_changed_since_the_last_version(client, acme, alice):
    decide_all(acme, alice)
    soa_version_approve(organization=acme, actor=alice, change_summary="v1")
    soa_entry_update(entry=entry(acme, "8.24"), actor=alice, values={"status": "implemented"})
    client.force_login(alice)
    page = client.get(_approve_url())
    (change,) = page.context["changes"]
    assert change.reference == "8.24"
    assert page.context["next_number"] == 2
    assert "Implemented" in page.content.decode()


def test_the_diff_page_shows_each_changed_field_from_and_to(client, acme, alice):
    decide_all(acme, alice)
    soa_version_approve(organization=acme, actor=alice, change_summary="v1")
    soa_entry_update(
        entry=entry(acme, "7.4"),
        actor=alice,
        values={"applicable": False, "exclusion_justification": "No premises of our own."},
    )
    soa_version_approve(organization=acme, actor=alice, change_summary="Excluded 7.4")
    client.force_login(alice)
    response = client.get(reverse("soa:version_diff", args=["acme", 2]) + "?against=1")
    html = response.content.decode()
    (row,) = response.context["diff"].rows
    assert row.reference == "7.4"
    assert 'data-reference="7.4"' in html
    assert "Not applicable" in html and "Applicable" in html and "No premises of our own." in html
    # Either order gives the same comparison, older on the left.
    reverse_order = client.get(reverse("soa:version_diff", args=["acme", 1]) + "?against=2")
    assert reverse_order.context["diff"].older.number == 1


def test_an_unknown_version_is_404(client, acme, alice):
    client.force_login(alice)
    assert client.get(reverse("soa:version_detail", args=["acme", 9])).status_code == 404
    assert client.get(reverse("soa:version_diff", args=["acme", 9])).status_code == 404


def test_a_version_exports_its_frozen_rows_as_xlsx_and_csv(client, acme, alice):
    decide_all(acme, alice)
    soa_version_approve(organization=acme, actor=alice, change_summary="v1")
    soa_entry_update(entry=entry(acme, "5.1"), actor=alice, values={"status": "implemented"})
    client.force_login(alice)
    url = reverse("soa:version_export", args=["acme", 1])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "Reference" in header and "Implementation status" in header
    assert len([r for r in rows[1:] if r[header.index("Reference")]]) == 131
    by_ref = {r[header.index("Reference")]: r for r in rows[1:]}
    assert by_ref["5.1"][header.index("Implementation status")] == "not_started"  # frozen, not live
    csv = client.get(url + "?format=csv")
    assert csv["Content-Disposition"].startswith('attachment; filename="acme-soa-v1-')
    assert response_bytes(csv).decode("utf-8-sig").count("\n") >= 132


def test_the_live_soa_exports_with_the_page_filters(client, acme, alice, bob):
    soa_entry_update(entry=entry(acme, "5.1"), actor=alice, values={"status": "implemented"})
    client.force_login(alice)
    url = reverse("soa:export", args=["acme"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url + "?format=xlsx&status=implemented").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    header = rows[0]
    assert [r[header.index("Reference")] for r in rows[1:] if r[0]] == ["5.1"]
    everything = response_bytes(client.get(url + "?format=csv")).decode("utf-8-sig")
    assert "A.10.4" in everything and "8.34" in everything
    client.force_login(bob)  # a viewer reads but does not export
    assert client.get(url + "?format=csv").status_code == 403
