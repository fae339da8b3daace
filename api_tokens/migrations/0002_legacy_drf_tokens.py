"""Carry DRF's ``authtoken`` keys over to ``ApiToken`` so that integrations keep working.

Each key becomes a token named "Token from before API tokens", stored like any
other (its first 12 characters and its SHA-256), and the clear-text row is
deleted. The ``authtoken_token`` table itself is left empty: its app is no
longer installed, so no migration of ours owns it.
"""

import datetime
import hashlib

from django.db import migrations
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"
LEGACY_NAME = "Token from before API tokens"


def copy_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api_tokens", "ApiToken")
    User = apps.get_model("accounts", "User")
    table = schema_editor.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {table}")  # noqa: S608 — a fixed table name
        rows = cursor.fetchall()
    known = set(User.objects.filter(pk__in=[row[1] for row in rows]).values_list("pk", flat=True))
    for key, user_id, created in rows:
        if user_id not in known or ApiToken.objects.filter(key_prefix=key[:12]).exists():
            continue
        token = ApiToken.objects.create(
            user_id=user_id, name=LEGACY_NAME, key_prefix=key[:12], key_hash=hashlib.sha256(key.encode()).hexdigest()
        )
        if isinstance(created, str):  # SQLite hands the column back as text
            created = parse_datetime(created)
        if created is not None:
            if created.tzinfo is None:  # Django stores UTC when USE_TZ is on
                created = created.replace(tzinfo=datetime.UTC)
            ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("api_tokens", "0001_initial"), ("accounts", "0002_sign_in_lockout")]

    operations = [migrations.RunPython(copy_legacy_tokens, migrations.RunPython.noop)]
