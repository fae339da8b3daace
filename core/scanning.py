"""Scanning of uploaded files before they are kept (audit evidence today).

Two layers, both refusing with a sentence the uploader can act on (``ValidationError``
on ``file``) and nothing written:

1. **Built in, always on** — what an evidence file must not carry, found by reading it:
   the EICAR test signature (every anti-virus engine's agreed test string, so the path
   can be proved end to end); active content in PDFs (JavaScript, launch actions,
   embedded files, XFA forms, rich media); macros and ActiveX in Office files
   (``vbaProject.bin``, ``activeX/``); archives that expand far beyond their size (a
   "zip bomb": more than ``UPLOAD_SCAN_MAX_EXPANSION`` times, or past
   ``UPLOAD_SCAN_MAX_EXPANDED_BYTES``).
2. **An engine, when configured** — ``UPLOAD_SCAN_COMMAND`` (e.g. ``clamdscan
   --no-summary --stream -`` beside a clamd service) gets the file on its standard input:
   exit 0 is clean, 1 is infected (refused, the engine's words kept in the log), anything
   else or a time-out is "could not be scanned" (refused: a file nobody could check is
   not kept). Not set by default: the embedded default has no engine.
"""

from __future__ import annotations

import logging
import re
import shlex
import subprocess
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

#: The EICAR anti-virus test file's signature (public, harmless, recognised by every engine),
#: put together here so that this source file is not itself flagged by a scanner.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
_OFFICE_ACTIVE = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.I)
ZIP_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _refuse(message: str):
    raise ValidationError({"file": [message]})


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _scan_zip(upload, size: int) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        _refuse("The file is not a readable Office document.")
    finally:
        upload.seek(0)
    expanded = sum(member.file_size for member in members)
    limit = min(settings.UPLOAD_SCAN_MAX_EXPANDED_BYTES, max(size, 1) * settings.UPLOAD_SCAN_MAX_EXPANSION)
    if expanded > limit:
        _refuse("The document expands far beyond its size; it is refused as unsafe.")
    if any(_OFFICE_ACTIVE.search(member.filename) for member in members):
        _refuse("The document contains macros or ActiveX controls; save it without them and upload it again.")


def _scan_engine(data: bytes, name: str) -> None:
    command = settings.UPLOAD_SCAN_COMMAND
    if not command:
        return
    try:
        done = subprocess.run(
            shlex.split(command),
            input=data,
            capture_output=True,
            timeout=settings.UPLOAD_SCAN_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.error("upload scan of %r could not run: %s", name, exc)
        _refuse("The file could not be scanned for malware just now; try again later.")
    if done.returncode == 1:
        logger.warning("upload scan refused %r: %s", name, done.stdout.decode(errors="replace").strip())
        _refuse("The malware scanner found something in this file; it was not kept.")
    if done.returncode != 0:
        logger.error("upload scan of %r failed (%s): %s", name, done.returncode, done.stderr[-500:])
        _refuse("The file could not be scanned for malware just now; try again later.")


def upload_scan(upload, *, content_type: str) -> None:
    """Refuse ``upload`` (``ValidationError`` on ``file``) if it carries what evidence must not."""
    data = _read(upload)
    if EICAR in data:
        _refuse("The malware scanner found something in this file; it was not kept.")
    if content_type == "application/pdf" and _PDF_ACTIVE.search(data):
        _refuse(
            "The PDF contains active content (scripts, launch actions or embedded files); "
            "print it to a plain PDF and upload that."
        )
    if content_type in ZIP_TYPES:
        _scan_zip(upload, len(data))
    _scan_engine(data, upload.name or "")
