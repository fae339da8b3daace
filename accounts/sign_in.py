"""Sign-in defences, one set for the browser's sign-in and ``POST /api/v1/auth/token/``.

- ``attempt_limit``: a small cache-backed limiter, per account and per client
  address, over a fixed window (``SIGN_IN_WINDOW_SECONDS``). It slows guessing;
  it is no defence alone, hence the lockout.
- Lockout: ``SIGN_IN_LOCKOUT_FAILURES`` wrong passwords in a row lock the
  account (``User.locked_at``) until an administrator unlocks it (the admin's
  action or ``manage.py unlock_account``). A locked account is refused before its
  password is even checked, so guessing on stops teaching anything.

The counting hangs on Django's ``user_login_failed`` signal and on the
authentication backend, so every path through ``authenticate()`` counts.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("grc_portal.security")

LOCKED_MESSAGE = (
    "This account is locked after too many wrong passwords in a row. "
    "Ask an administrator of the portal to unlock it."
)


def too_many_message(wait: int) -> str:
    minutes = max(1, round(wait / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many sign-in attempts. Wait {minutes} {unit} and try again."


def client_address(request) -> str:
    """The client's address as DRF's throttles see it (``NUM_PROXIES`` decides whether
    ``X-Forwarded-For`` is trusted), for the browser's sign-in too; "" when the server was
    told none (a WSGI call without ``REMOTE_ADDR``)."""
    return BaseThrottle().get_ident(request) or ""


def _key(kind: str, value: str) -> str:
    # Hashed: the cache holds no usernames or addresses in clear, and any value makes a valid key.
    return f"sign-in:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


@dataclass(frozen=True)
class Refusal:
    wait: int  # seconds until the window ends

    @property
    def message(self) -> str:
        return too_many_message(self.wait)


def attempt_limit(*, username: str, address: str) -> Refusal | None:
    """Count one sign-in attempt for the account and the address; a refusal once either
    passes its limit within the window, None otherwise."""
    window = settings.SIGN_IN_WINDOW_SECONDS
    limits = [("ip", address, settings.SIGN_IN_ATTEMPTS_PER_CLIENT)]
    if username:
        limits.append(("account", username.strip().lower(), settings.SIGN_IN_ATTEMPTS_PER_ACCOUNT))
    refused = False
    for kind, value, limit in limits:
        key = _key(kind, value)
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
        if limit and count > limit:
            refused = True
            logger.warning("Sign-in attempts over the %s limit (%s in %ss)", kind, count, window)
    return Refusal(wait=window) if refused else None


def is_locked(username: str) -> bool:
    if not username:
        return False
    User = get_user_model()
    return User.objects.filter(username=username, locked_at__isnull=False).exists()


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    failures = settings.SIGN_IN_LOCKOUT_FAILURES
    if not username or not failures:
        return
    User = get_user_model()
    User.objects.filter(username=username).update(failed_sign_ins=F("failed_sign_ins") + 1)
    locked = User.objects.filter(
        username=username, locked_at__isnull=True, failed_sign_ins__gte=failures
    ).update(locked_at=timezone.now())
    if locked:
        logger.warning(
            "Account locked after %s wrong passwords in a row", failures, extra={"username": username}
        )


class LockoutModelBackend(ModelBackend):
    """Django's backend, refusing a locked account and starting the count again after a success."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or user.locked_at is not None:
            return None
        if user.failed_sign_ins:
            type(user).objects.filter(pk=user.pk).update(failed_sign_ins=0)
            user.failed_sign_ins = 0
        return user


class SignInThrottle(BaseThrottle):
    """The sign-in limiter (``attempt_limit``) as a DRF throttle, for ``POST /api/v1/auth/token/``:
    per account (the ``username`` of the request) and per client; 429 when over."""

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        try:
            username = str(request.data.get("username") or "")
        except Exception:  # an unreadable body: the view answers it with a 400
            username = ""
        self.refusal = attempt_limit(username=username, address=client_address(request))
        return self.refusal is None

    def wait(self):
        return self.refusal.wait if self.refusal else None
