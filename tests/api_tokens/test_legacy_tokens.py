"""DRF ``authtoken`` keys made before API tokens keep working, and their clear-text rows go."""

import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from rest_framework.test import APIClient

from api_tokens.models import ApiToken

pytestmark = pytest.mark.django_db

migration = importlib.import_module("api_tokens.migrations.0002_legacy_drf_tokens")


def run_migration():
    # What RunPython hands the function: SQLite's schema editor refuses to open inside a test's transaction.
    migration.copy_legacy_tokens(
        django_apps, SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    )


@pytest.fixture
def legacy_table():
    # The table DRF's authtoken app made, as an installation from before API tokens has it.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token"
            " (key varchar(40) PRIMARY KEY, created timestamp NOT NULL, user_id bigint)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE authtoken_token")


def test_an_old_key_opens_the_api_after_the_migration(legacy_table, alice, acme):
    key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [key, "2026-01-05 10:00:00", alice.pk],
        )
    run_migration()
    token = ApiToken.objects.get(user=alice)
    assert token.name == migration.LEGACY_NAME
    assert (token.key_prefix, token.key_hash) == (key[:12], hashlib.sha256(key.encode()).hexdigest())
    assert token.created_at.year == 2026 and token.created_at.month == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/organizations/acme/").status_code == 200


def test_without_the_old_table_the_migration_does_nothing(alice):
    run_migration()
    assert not ApiToken.objects.exists()
