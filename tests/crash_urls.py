"""The portal's URL conf and ``/crash/``, a page that raises: the browser checks meet the portal's own
500 page through it (the ``crash_page`` fixture of tests/conftest.py)."""

from django.urls import path

from grc_portal.urls import urlpatterns as portal_urlpatterns


def crash(request):
    raise RuntimeError("The crash the browser checks ask for.")


urlpatterns = [path("crash/", crash), *portal_urlpatterns]
