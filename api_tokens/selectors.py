import hmac

from django.db.models import QuerySet

from core.db import OneRowRead
from organizations.models import Membership

from .models import KEY_PREFIX_LENGTH, ApiToken
from .services import secret_hash

#: The token of a key prefix with its user and organization: every API request's first read,
#: by SQL built once (``core.db``); through the ORM it cost a millisecond of each request.
_token_by_prefix = OneRowRead(ApiToken, related=("user", "organization"), where=("key_prefix",))


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, whatever its state (revoked and expired ones too), or None.

    The row is found by the secret's first characters, then the SHA-256 of the
    whole secret is compared in constant time.
    """
    if len(secret) <= KEY_PREFIX_LENGTH or len(secret) > 200:
        return None
    token = _token_by_prefix(secret[:KEY_PREFIX_LENGTH])
    if token is None or not hmac.compare_digest(token.key_hash, secret_hash(secret)):
        return None
    return token


def api_tokens_of(user, *, within=None) -> QuerySet[ApiToken]:
    """The user's tokens, newest first. ``within``: the token making the request, when it is
    limited to an organization — it sees only the tokens limited to the same one."""
    tokens = ApiToken.objects.filter(user=user).select_related("organization")
    if within is not None and within.organization_id is not None:
        tokens = tokens.filter(organization_id=within.organization_id)
    return tokens


def token_organization_choices(user):
    """The organizations a token of ``user`` may be limited to: those the user is a member of."""
    return [
        m.organization
        for m in Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    ]
