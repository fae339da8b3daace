from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import account_unlock


class Command(BaseCommand):
    help = "Unlock accounts locked after repeated wrong passwords."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="username")

    def handle(self, *args, usernames, **options):
        User = get_user_model()
        missing = []
        for username in usernames:
            user = User.objects.filter(username=username).first()
            if user is None:
                missing.append(username)
                continue
            was_locked = user.is_locked
            account_unlock(user=user)
            self.stdout.write(f"{username}: {'unlocked' if was_locked else 'was not locked'}")
        if missing:
            raise CommandError(f"No such account: {', '.join(missing)}")
