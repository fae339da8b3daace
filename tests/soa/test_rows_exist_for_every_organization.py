import importlib

from django.apps import apps

from controls.models import Control
from controls.services import catalogues_load
from organizations.services import organization_create
from soa.models import SoAEntry
from tests.factories import OrganizationFactory

from .conftest import ISO27001, ISO42001

migration = importlib.import_module("soa.migrations.0002_rows_for_existing_organizations")


def _counts(organization):
    rows = SoAEntry.objects.filter(organization=organization)
    return (
        rows.count(),
        rows.filter(control__framework__code=ISO27001).count(),
        rows.filter(control__framework__code=ISO42001).count(),
    )


def test_a_new_organization_has_a_row_for_each_of_the_131_controls(alice):
    organization = organization_create(name="Initech", creator=alice)
    assert _counts(organization) == (131, 93, 38)
    rows = SoAEntry.objects.filter(organization=organization)
    assert not rows.exclude(applicable=None).exists()  # undecided until someone decides
    assert set(rows.values_list("status", flat=True)) == {"not_started"}


def test_the_rows_of_a_new_organization_have_their_history_naming_the_creator(alice):
    organization = organization_create(name="Initech", creator=alice)
    row = SoAEntry.objects.filter(organization=organization).first()
    created = row.history.get()
    assert created.history_type == "+" and created.history_user == alice
    assert created.history_change_reason == "Created with the organization"


def test_an_existing_organization_gets_its_rows_from_the_data_migration(acme):
    SoAEntry.objects.filter(organization=acme).delete()
    assert _counts(acme) == (0, 0, 0)
    migration.rows_for_existing_organizations(apps, None)
    assert _counts(acme) == (131, 93, 38)


def test_the_data_migration_completes_rows_and_never_duplicates_them(acme, globex):
    SoAEntry.objects.filter(organization=acme, control__framework__code=ISO42001).delete()
    kept = set(SoAEntry.objects.filter(organization=acme).values_list("pk", flat=True))
    migration.rows_for_existing_organizations(apps, None)
    migration.rows_for_existing_organizations(apps, None)
    assert _counts(acme) == _counts(globex) == (131, 93, 38)
    assert kept <= set(SoAEntry.objects.filter(organization=acme).values_list("pk", flat=True))


def test_loading_the_catalogues_gives_a_new_control_its_row_in_every_organization(acme, globex):
    SoAEntry.objects.filter(control__reference="A.10.4").delete()
    catalogues_load()
    assert _counts(acme) == _counts(globex) == (131, 93, 38)


def test_reading_the_soa_never_creates_rows(api_as, acme, alice):
    SoAEntry.objects.filter(organization=acme).delete()
    response = api_as(alice).get("/api/v1/organizations/acme/soa/")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert not SoAEntry.objects.filter(organization=acme).exists()


def test_an_organization_made_by_any_path_has_its_rows(db):
    assert _counts(OrganizationFactory(slug="hooli")) == (131, 93, 38)


def test_before_the_catalogues_are_loaded_the_migration_creates_nothing(acme):
    SoAEntry.objects.all().delete()
    Control.objects.all().delete()  # rolled back with the test
    migration.rows_for_existing_organizations(apps, None)
    assert not SoAEntry.objects.exists()
