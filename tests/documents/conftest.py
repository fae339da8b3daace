import pytest

from documents import services

from . import slow_builder  # noqa: F401 — registers the test kinds in this process too


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test writes its files to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def request_document(django_capture_on_commit_callbacks):
    """``request_document(org, user, kind, parameters)``: a queued document, its enqueue captured."""

    def _request(organization, actor, kind, parameters=None):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            document = services.document_request(
                organization=organization, actor=actor, kind=kind, parameters=parameters or {}
            )
        assert len(callbacks) == 1
        return document

    return _request
