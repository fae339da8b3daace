from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from core.freezing import RecordFrozen
from core.services import record_save
from soa.models import SoAEntry, SoAVersion, SoAVersionRow
from soa.services import soa_version_approve

from .conftest import decide_all


@contextmanager
def refused():
    """Expect ``RecordFrozen``, in a savepoint: some refusals come from inside atomic blocks."""
    with pytest.raises(RecordFrozen), transaction.atomic():
        yield


@pytest.fixture
def version(acme, alice):
    decide_all(acme, alice)
    return soa_version_approve(organization=acme, actor=alice, change_summary="First version")


def _unchanged(version):
    fresh = SoAVersion.objects.get(pk=version.pk)
    assert fresh.change_summary == "First version"
    assert fresh.rows.count() == 131
    assert not fresh.rows.exclude(applicable=True).exists()


def test_a_version_refuses_save(version):
    version.change_summary = "Rewritten"
    with refused():
        version.save()
    _unchanged(version)


def test_a_version_refuses_a_services_save(version, alice):
    version.change_summary = "Rewritten"
    with refused():
        record_save(version, actor=alice, reason="Trying")
    _unchanged(version)


def test_a_version_refuses_delete(version):
    with refused():
        version.delete()
    _unchanged(version)


def test_a_version_refuses_queryset_update_and_delete(version):
    with refused():
        SoAVersion.objects.filter(pk=version.pk).update(change_summary="Rewritten")
    with refused():
        SoAVersion.objects.filter(pk=version.pk).delete()
    _unchanged(version)


def test_a_versions_rows_refuse_every_change(version):
    row = version.rows.first()
    row.applicable = False
    with refused():
        row.save()
    with refused():
        row.delete()
    with refused():
        SoAVersionRow.objects.filter(version=version).update(applicable=False)
    with refused():
        SoAVersionRow.objects.bulk_update([row], ["applicable"])
    with refused():
        version.rows.all().delete()
    _unchanged(version)


def test_deleting_the_organization_cannot_cascade_through_an_approved_version(acme, version):
    with refused():
        acme.delete()
    _unchanged(version)


def test_a_new_approval_leaves_the_previous_version_untouched(acme, alice, version):
    before = list(version.rows.order_by("position").values())
    soa_version_approve(organization=acme, actor=alice, change_summary="Second version")
    assert list(version.rows.order_by("position").values()) == before
    _unchanged(version)


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_the_api_cannot_change_a_version(api_as, alice, version, method):
    url = "/api/v1/organizations/acme/soa-versions/1/"
    response = getattr(api_as(alice), method)(url, {"change_summary": "Rewritten"})
    assert response.status_code == 405
    _unchanged(version)


@pytest.fixture
def support_client(client, db):
    get_user_model().objects.create_superuser("support", "support@example.org", "support-password")
    client.login(username="support", password="support-password")
    return client


def test_the_admin_shows_versions_but_cannot_change_or_delete_them(support_client, version):
    base = f"/admin/soa/soaversion/{version.pk}"
    assert support_client.get("/admin/soa/soaversion/").status_code == 200
    assert support_client.get(f"{base}/change/").status_code == 200  # a read-only view
    assert support_client.post(f"{base}/change/", {"change_summary": "Rewritten"}).status_code == 403
    assert support_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert support_client.post(
        "/admin/soa/soaversion/",
        {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"},
    ).status_code in (200, 302)
    _unchanged(version)


def test_the_admin_cannot_revert_a_version_or_a_row_to_a_past_state(support_client, acme, version):
    record = version.history.get()
    url = f"/admin/soa/soaversion/{version.pk}/history/{record.history_id}/"
    assert support_client.get(url).status_code == 200
    assert support_client.post(url, {"change_summary": "Rewritten"}).status_code == 403
    row = SoAEntry.objects.filter(organization=acme).first()
    row_record = row.history.first()
    row_url = f"/admin/soa/soaentry/{row.pk}/history/{row_record.history_id}/"
    assert support_client.post(row_url, {"applicable": ""}).status_code == 403
    assert SoAEntry.objects.get(pk=row.pk).applicable is True
    _unchanged(version)
