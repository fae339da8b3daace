"""Builders only the tests load (the worker tests name this module in
``GRC_DOCUMENT_EXTRA_BUILDERS``): a deliberately slow one to kill a worker in the
middle of, one that crashes, one that refuses with a reason and one that
fails for a passing reason."""

import time

from django.core.exceptions import ValidationError

from core.roles import Capability
from documents import registry

SLOW = "test_slow"
CRASHING = "test_crashing"
REFUSING = "test_refusing"
FLAKY = "test_flaky"


def slow_content(document_id: int) -> bytes:
    """What the slow builder writes for a document: known in advance, so tests can check its SHA-256."""
    return (f"document {document_id}\n" * 20_000).encode()


def _slow_parameters(values: dict, organization) -> dict:
    seconds = values.get("seconds", 0)
    if not isinstance(seconds, int | float) or not 0 <= seconds <= 120:
        raise ValidationError({"parameters": "seconds must be a number from 0 to 120."})
    return {"seconds": seconds}


def build_slow(document, progress) -> bytes:
    seconds = document.parameters.get("seconds", 0)
    steps = 20
    for step in range(steps):
        time.sleep(seconds / steps)
        progress(5 + step * 90 // steps)
    return slow_content(document.pk)


def build_crashing(document, progress) -> bytes:
    progress(40)
    raise ZeroDivisionError("the builder divided by zero")


def build_refusing(document, progress) -> bytes:
    raise registry.DocumentBuildError("There is no approved SoA version to print yet: approve one first.")


def build_flaky(document, progress) -> bytes:
    raise registry.TransientBuildError("the mail relay is down")


registry.register(
    SLOW,
    build_slow,
    title="Slow test document",
    content_type="text/plain",
    filename="{organization}-slow-{date}.txt",
    capability=Capability.EXPORT,
    parameters=_slow_parameters,
)
registry.register(
    CRASHING, build_crashing, title="Crashing test document", content_type="text/plain", filename="crash.txt"
)
registry.register(
    REFUSING, build_refusing, title="Refusing test document", content_type="text/plain", filename="refuse.txt"
)
registry.register(
    FLAKY, build_flaky, title="Flaky test document", content_type="text/plain", filename="f.txt"
)
