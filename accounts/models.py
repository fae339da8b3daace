from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in; what they may do depends on their memberships."""

    email = models.EmailField("email address", blank=True)
    # Sign-in defences (accounts.sign_in): consecutive wrong passwords, and when they locked the account.
    failed_sign_ins = models.PositiveIntegerField(default=0, editable=False)
    locked_at = models.DateTimeField(
        null=True, blank=True, help_text="Locked after repeated wrong passwords; an administrator unlocks it."
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
