"""schemathesis walks every operation of the live schema (``/api/schema/``, served
by the app itself) against an organization with data in every register, as its
administrator, with every check: no server error, status codes, content types,
headers and bodies as the schema declares them, invalid input refused, valid
input accepted.

The operations are read from the schema, never listed here: an endpoint that
lands later is fuzzed the day it lands. Examples are few, derandomized and
without deadline, so that the run is the same on every machine and fits CI.
"""

import os
from urllib.parse import urlsplit

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup

from api_tokens.services import api_token_create
from tests.api.seed import registers_seed

pytestmark = [pytest.mark.once, pytest.mark.django_db]

#: Examples per operation: enough to try every parameter, few enough for CI (131 operations today).
MAX_EXAMPLES = int(os.environ.get("GRC_FUZZ_EXAMPLES", "10"))
SCHEMA_PATH = "/api/schema/"


@pytest.fixture
def wsgi_app():
    """The app in-process, on the test's database connection: Django's test client
    does the same (a request must not close the connection of the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _path_values(client, headers, path: str, slug: str) -> dict[str, list]:
    """Real values for the path parameters of ``path``: each read from the
    collection above it (``…/assets/`` for ``…/assets/{id}/``), so that the
    fuzzer reaches real records, not only 404s."""
    values: dict[str, list] = {"organization_slug": [slug]}
    template = path
    chosen = {"organization_slug": slug}
    while "{" in template:
        start = template.index("{")
        name = template[start + 1 : template.index("}", start)]
        if name in chosen:
            template = template.replace("{" + name + "}", str(chosen[name]), 1)
            continue
        collection = template[:start]
        response = client.get(collection, headers=headers)
        found: list = []
        if response.status_code == 200:
            body = response.json
            rows = body.get("results", []) if isinstance(body, dict) else body
            key = "id" if name.endswith("id") and name not in {r for row in rows for r in row} else name
            found = [row[key] for row in rows if isinstance(row, dict) and key in row][:20]
        values[name] = found
        if not found:
            break
        chosen[name] = found[0]
        template = template.replace("{" + name + "}", str(found[0]), 1)
    return values


def _checks() -> list:
    """Every check of schemathesis but ``positive_data_acceptance``: a schema cannot say which
    ids exist, which member names are taken or which dates come in order, so a request valid
    by the schema may still be refused, rightly, with a 400 naming the field (decision 0017)."""
    load_all_checks()
    return [check for check in CHECKS.get_all() if check.__name__ != "positive_data_acceptance"]


def _fuzz(operation, known: dict[str, list], headers: dict[str, str]) -> None:
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=operation.as_strategy(), data=st.data())
    def run(case, data):
        if case.path_parameters is not None:
            for name, real in known.items():
                # Mostly real records; now and then whatever was generated.
                if name in case.path_parameters and real and data.draw(st.integers(0, 4)):
                    case.path_parameters[name] = data.draw(st.sampled_from(real))
        case.call_and_validate(headers=headers, checks=_checks())

    run()


def test_every_operation_answers_as_its_schema_says(acme, alice, catalogues, wsgi_app):
    registers_seed(acme, alice)
    issued = api_token_create(user=alice, name="Schema fuzzer")
    headers = {"Authorization": f"Token {issued.secret}"}
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    from werkzeug.test import Client

    client = Client(wsgi_app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        known = _path_values(client, headers, operation.path, acme.slug)
        try:
            _fuzz(operation, known, headers)
        except FailureGroup as error:
            failures[operation.label] = str(error)[:3000]
        except Exception as error:  # a crash in the transport is a finding too
            failures[operation.label] = f"{type(error).__name__}: {error}"[:3000]
    assert operations > 100, "the schema lost its operations"
    assert not failures, "\n\n".join(f"=== {label}\n{message}" for label, message in failures.items())


def test_the_schema_is_served_by_the_app_itself(wsgi_app):
    from werkzeug.test import Client

    response = Client(wsgi_app).get(SCHEMA_PATH)
    assert response.status_code == 200
    assert urlsplit(SCHEMA_PATH).path == "/api/schema/"
