"""No secret in any log line: a logging filter that redacts them, on every handler of ``LOGGING``.

It rewrites the message (with its arguments merged in), the ``extra`` fields and
the formatted traceback: the value of an ``Authorization`` header, of anything
named like a token, password, secret or session key (``token=…``,
``"password": "…"``), and anything shaped like one of our token secrets.
"""

import logging
import re

REDACTED = "[redacted]"
_SECRET_NAMES = r"(?:[a-z_]*token|password\d?|passwd|secret|api_?key|session_?key|sessionid|csrftoken)"  # noqa: S105 — the names of secrets, not one

_PATTERNS = [
    # Authorization: Token abc / 'HTTP_AUTHORIZATION': 'Token abc'
    (
        re.compile(
            r"((?:HTTP_)?AUTHORIZATION['\"]?\s*[:=]\s*['\"]?)(?:(?:Token|Bearer|Basic)\s+)?[^\s'\",;&}]+",
            re.I,
        ),
        r"\1" + REDACTED,
    ),
    # "password": "…" / 'token': '…'
    (
        re.compile(r"(['\"]" + _SECRET_NAMES + r"['\"]\s*:\s*)(['\"])(?:\\.|(?!\2).)*\2", re.I),
        r"\1\2" + REDACTED + r"\2",
    ),
    # password=… / token=… (query strings, form bodies, key=value logs)
    (re.compile(r"(\b" + _SECRET_NAMES + r"=)[^\s&'\",;]+", re.I), r"\1" + REDACTED),
    # our token secrets wherever they appear (api_tokens.services.SECRET_MARK)
    (re.compile(r"\bgrc_[A-Za-z0-9_-]{20,}"), REDACTED),
]
_SECRET_FIELD = re.compile(
    r"^(?:.*token|.*password.*|.*secret.*|authorization|http_authorization|api_?key)$", re.I
)
# Attributes every LogRecord has: never treated as extra fields.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the formatter to complain
            return True
        record.msg = redact(message)
        record.args = None
        for name, value in list(vars(record).items()):
            if name in _STANDARD:
                continue
            if _SECRET_FIELD.match(name):
                setattr(record, name, REDACTED)
            elif isinstance(value, str):
                setattr(record, name, redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
