"""The portal's own error answers in the embedded default (DEBUG on) and in production:
HTML pages of the portal in the browser, JSON under /api/."""

import pytest
from django.urls import path

from core.middleware import ErrorPagesMiddleware


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", _crash), path("api/v1/crash/", _crash)]


@pytest.fixture
def crashing_urls(settings):
    from grc_portal import urls as project_urls

    settings.ROOT_URLCONF = __name__
    globals()["urlpatterns"] = [*urlpatterns, *project_urls.urlpatterns]
    yield
    globals()["urlpatterns"] = urlpatterns[:2]


@pytest.mark.parametrize("debug", [True, False])
def test_a_wrong_address_shows_the_portal_404_page(client, db, settings, debug):
    settings.DEBUG = debug
    answer = client.get("/no/such/page/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "This page does not exist" in page and "Django tried these URL patterns" not in page


def test_technical_pages_come_back_only_when_asked_for(client, db, settings):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    assert "Django tried these URL patterns" in client.get("/no/such/page/").content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_a_wrong_api_address_answers_json(client, db, settings, debug):
    settings.DEBUG = debug
    answer = client.get("/api/v1/no-such-endpoint/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No such endpoint."}


@pytest.mark.parametrize("debug", [True, False])
def test_a_crash_in_the_api_answers_json_and_is_logged(client, db, settings, crashing_urls, caplog, debug):
    settings.DEBUG = debug
    client.raise_request_exception = False
    answer = client.get("/api/v1/crash/")
    assert answer.status_code == 500
    assert answer["Content-Type"] == "application/json"
    assert "error is logged" in answer.json()["detail"]
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_a_crash_of_a_page_shows_the_portal_500_page_in_the_embedded_default(
    client, db, settings, crashing_urls
):
    settings.DEBUG = True
    client.raise_request_exception = False
    answer = client.get("/crash/")
    assert answer.status_code == 500
    page = answer.content.decode()
    assert "Something went wrong" in page and "RuntimeError" not in page


def test_the_middleware_is_installed(settings):
    assert "core.middleware.ErrorPagesMiddleware" in settings.MIDDLEWARE
    assert ErrorPagesMiddleware.__doc__
