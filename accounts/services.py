import logging

from django.contrib.auth import get_user_model

logger = logging.getLogger("grc_portal.security")


def account_unlock(*, user, actor=None) -> None:
    """Unlock an account locked by wrong passwords and start its count again."""
    get_user_model().objects.filter(pk=user.pk).update(locked_at=None, failed_sign_ins=0)
    user.locked_at = None
    user.failed_sign_ins = 0
    logger.info("Account %s unlocked by %s", user.pk, getattr(actor, "pk", "a command"))
