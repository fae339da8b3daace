"""No secret or token in any log line: the filter on every configured handler redacts them."""

import io
import logging

import pytest

from accounts.log_redaction import RedactSecretsFilter, redact
from api_tokens.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured():
    """The log lines as the configured handler writes them: its formatter and its filters."""
    console = next(h for h in logging.getLogger().handlers if getattr(h, "name", "") == "console")
    assert any(isinstance(f, RedactSecretsFilter) for f in console.filters)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for f in console.filters:
        handler.addFilter(f)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


SECRET = "grc_Zq3vX8mK1pL0aB7cD9eF2gH4iJ6kM8nO0pQ2rS4tU6v"


@pytest.mark.parametrize(
    "line",
    [
        f"Authorization: Token {SECRET}",
        "headers {'HTTP_AUTHORIZATION': 'Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b'}",
        'body {"username": "alice", "password": "correct-horse-battery-staple"}',
        "GET /callback?token=9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b&page=2",
        "form username=alice&password=correct-horse-battery-staple",
        f"the integration sent {SECRET} again",
        "basic Authorization=Basic YWxpY2U6Y29ycmVjdC1ob3JzZQ==",
    ],
)
def test_secrets_in_messages_are_redacted(captured, line):
    logging.getLogger("grc_portal.test").warning(line)
    written = captured.getvalue()
    for secret in (SECRET, "9944b09199c62bcf", "correct-horse-battery-staple", "YWxpY2U6"):
        assert secret not in written
    assert "[redacted]" in written


def test_arguments_and_extra_fields_are_redacted(captured):
    logging.getLogger("grc_portal.test").warning(
        "login from %s with %s",
        "alice",
        f"password={SECRET}",
        extra={"token": SECRET, "path": "/x?token=abc123"},
    )
    written = captured.getvalue()
    assert SECRET not in written and "abc123" not in written
    assert "login from alice" in written


def test_a_traceback_carrying_a_secret_is_redacted(captured):
    try:
        raise ValueError(f"bad header Authorization: Token {SECRET}")
    except ValueError:
        logging.getLogger("grc_portal.test").exception("failed")
    written = captured.getvalue()
    assert "ValueError" in written and SECRET not in written


def test_creating_and_using_a_token_logs_no_secret(captured, client, alice, acme, api_client):
    issued = api_token_create(user=alice, name="CMDB sync")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
    api_client.get("/api/v1/organizations/acme/assets/?token=" + issued.secret)
    api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery-staple"})
    written = captured.getvalue()
    assert written  # the request lines were written
    assert issued.secret not in written and "correct-horse-battery-staple" not in written


def test_plain_text_is_left_alone():
    assert (
        redact("GET /api/v1/organizations/acme/risks/ 200 12.0ms")
        == "GET /api/v1/organizations/acme/risks/ 200 12.0ms"
    )
    assert redact("API token grc_JLceB7MJ created") == "API token grc_JLceB7MJ created"
