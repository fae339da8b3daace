"""``Authorization: Token <secret>`` for integrations, with the tokens users manage (``ApiToken``).

It replaces DRF's ``TokenAuthentication``. A revoked or expired token is refused
at once (401 saying which); a read-only token is refused any write (403). The
organization limit is applied where the organization is resolved
(``organizations.scoping``), so another organization answers 404 as for a non-member.
"""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from .models import TokenStatus
from .selectors import api_token_for_secret
from .services import api_token_mark_used

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Give the token as `Authorization: Token <secret>`.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = api_token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        now = timezone.now()
        status = token.status_at(now)
        when = "%Y-%m-%d %H:%M"
        if status == TokenStatus.REVOKED:
            raise exceptions.AuthenticationFailed(
                f"This token was revoked on {timezone.localtime(token.revoked_at):{when}}; create a new one."
            )
        if status == TokenStatus.EXPIRED:
            raise exceptions.AuthenticationFailed(
                f"This token expired on {timezone.localtime(token.expires_at):{when}}; create a new one."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account of this token is deactivated.")
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                "This token is read-only: it may read (GET) but not change anything."
            )
        api_token_mark_used(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD
