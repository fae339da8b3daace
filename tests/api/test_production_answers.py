"""In production settings (DEBUG off): an API 500 is JSON with the request id
that its log lines carry; every answer, page or API, carries the security
headers; ``manage.py check --deploy`` finds nothing."""

import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.urls import path

from core.middleware import RequestIdLogFilter
from tests.conftest import ROOT


def _crash(request):
    logging.getLogger("grc_portal.test").warning("about to fail")
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/crash/", _crash)]


@pytest.fixture
def crashing_api(settings):
    from grc_portal import urls as project_urls

    settings.ROOT_URLCONF = __name__
    globals()["urlpatterns"] = [*urlpatterns, *project_urls.urlpatterns]
    yield
    globals()["urlpatterns"] = urlpatterns[:1]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.TECHNICAL_ERROR_PAGES = False


def test_an_api_500_in_production_is_json_with_the_request_id(client, db, production, crashing_api):
    client.raise_request_exception = False
    answer = client.get("/api/v1/crash/")
    assert answer.status_code == 500
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert set(body) == {"detail", "request_id"}
    assert body["request_id"] == answer["X-Request-ID"]
    assert "boom" not in answer.content.decode()


def test_the_log_lines_of_a_request_carry_its_id(client, db, production, crashing_api, caplog):
    client.raise_request_exception = False
    caplog.handler.addFilter(RequestIdLogFilter())
    answer = client.get("/api/v1/crash/", headers={"X-Request-ID": "trace-4711"})
    assert answer.json()["request_id"] == "trace-4711"
    lines = {record.getMessage(): record.request_id for record in caplog.records}
    assert lines["about to fail"] == "trace-4711"
    assert lines["Internal Server Error: /api/v1/crash/"] == "trace-4711"
    assert any(message.startswith("GET /api/v1/crash/ 500") for message in lines)
    assert {lines[m] for m in lines if m.startswith("GET /api/v1/crash/")} == {"trace-4711"}


def test_a_sane_request_id_is_kept_and_an_insane_one_replaced(client, db):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1a2b.3c:4"})["X-Request-ID"] == "lb-1a2b.3c:4"
    for offered in ("", "two words", "x" * 101, "id\nForged: line", "<script>"):
        given = client.get("/healthz", headers={"X-Request-ID": offered})["X-Request-ID"]
        assert given != offered and len(given) == 32 and given.isalnum()


def test_each_request_gets_its_own_id(client, db):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_the_log_format_shows_the_request_id(settings):
    assert "%(request_id)s" in settings.LOGGING["formatters"]["plain"]["format"]
    assert "%(request_id)s" in settings.LOGGING["formatters"]["json"]["format"]
    assert "request_id" in settings.LOGGING["handlers"]["console"]["filters"]


@pytest.mark.parametrize("address", ["/accounts/login/", "/api/v1/frameworks/", "/api/docs/", "/healthz"])
def test_pages_and_api_answers_carry_the_security_headers(client, db, address):
    answer = client.get(address)
    policy = answer["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="grc.example.org",
        DJANGO_SETTINGS_MODULE="grc_portal.settings",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_send_hsts_and_secure_cookies():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    hsts, subdomains, redirect, session_secure, csrf_secure = result.stdout.split()
    assert int(hsts) >= 31536000
    assert subdomains == redirect == session_secure == csrf_secure == "True"


def test_hsts_is_sent_over_https_in_production(client, db, settings):
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    answer = client.get("/api/v1/frameworks/", secure=True)
    assert answer["Strict-Transport-Security"].startswith("max-age=31536000")
