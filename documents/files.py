"""Where generated files live and how they are written: atomically, so that a
worker killed mid-write leaves either the previous state or the whole file.

Layout under ``MEDIA_ROOT``: ``documents/<organization id>/<document id>-<attempt>-<filename>``;
a document built in parts keeps them in ``documents/<organization id>/parts-<document id>/``
(``<position>-<key>-<attempt>.pdf``) until it is assembled.
Each attempt writes its own name, so a stale worker that lost its lease can never
overwrite the file another attempt has recorded.
"""

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

DOCUMENTS_DIR = "documents"
PART_SUFFIX = ".part"


def safe_filename(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned[:150] or "document"


def organization_dir(organization_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / DOCUMENTS_DIR / str(organization_id)


def relative_name(*, organization_id: int, document_id: int, attempt: int, filename: str) -> str:
    """The storage name (relative to ``MEDIA_ROOT``) of one attempt's file."""
    return f"{DOCUMENTS_DIR}/{organization_id}/{document_id}-{attempt}-{safe_filename(filename)}"


def file_write_atomic(relative: str, content: bytes) -> tuple[int, str]:
    """Write ``content`` at ``MEDIA_ROOT/relative``; returns (size, SHA-256 hex).

    The bytes go to a temporary file in the same directory, are flushed and
    fsynced, then ``os.replace`` puts the file in place in one step, and the
    directory is fsynced so that the rename survives a crash.
    """
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=PART_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return len(content), hashlib.sha256(content).hexdigest()


def leftovers_remove(*, organization_id: int, document_id: int, keep: str = "") -> list[str]:
    """Remove a document's files from earlier, unfinished attempts (and their
    temporary parts), except ``keep``; returns the names removed."""
    folder = organization_dir(organization_id)
    if not folder.is_dir():
        return []
    removed = []
    prefix = f"{document_id}-"
    for path in folder.iterdir():
        name = path.name
        if not (name.startswith(prefix) or name.startswith(f".{prefix}")):
            continue
        relative = f"{DOCUMENTS_DIR}/{organization_id}/{name}"
        if relative == keep:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(relative)
    return removed


def sha256_of(relative: str) -> str:
    digest = hashlib.sha256()
    with open(Path(settings.MEDIA_ROOT) / relative, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parts_dir(*, organization_id: int, document_id: int) -> str:
    return f"{DOCUMENTS_DIR}/{organization_id}/parts-{document_id}"


def part_relative_name(
    *, organization_id: int, document_id: int, position: int, key: str, attempt: int
) -> str:
    """The storage name of one attempt at one part: each attempt its own, like documents'."""
    folder = parts_dir(organization_id=organization_id, document_id=document_id)
    return f"{folder}/{position:04d}-{safe_filename(key)[:80]}-{attempt}.pdf"


def parts_remove(*, organization_id: int, document_id: int) -> None:
    """Remove a document's parts folder (after assembly, failure or a new plan)."""
    folder = Path(settings.MEDIA_ROOT) / parts_dir(organization_id=organization_id, document_id=document_id)
    shutil.rmtree(folder, ignore_errors=True)
