from contextlib import contextmanager

import pytest
from django.db import transaction

from core.freezing import RecordFrozen
from core.services import record_save
from soa.models import SoAVersion, SoAVersionRow
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
