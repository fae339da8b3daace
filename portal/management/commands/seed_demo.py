import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from assets.demo import demo_assets_create
from core.roles import Role
from organizations import services
from organizations.models import Membership, Organization
from risks.demo import demo_risks_create

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo organization and its administrator, and print the login. "
        "The password is new on every run unless DEMO_PASSWORD is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    @transaction.atomic
    def handle(self, *args, username, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Dana", "last_name": "Demo", "email": "demo@example.org"},
        )
        user.set_password(password)
        user.save(update_fields=["password"])

        organization = Organization.objects.filter(slug=settings.DEMO_ORGANIZATION_SLUG).first()
        if organization is None:
            organization = services.organization_create(
                name="Demo Organization",
                slug=settings.DEMO_ORGANIZATION_SLUG,
                description="A sample organization to explore the portal with.",
                creator=user,
            )
        elif not Membership.objects.filter(organization=organization, user=user).exists():
            services.membership_add(organization=organization, actor=user, user=user, role=Role.ADMIN)
        demo_assets_create(organization=organization, actor=user)
        demo_risks_create(organization=organization, actor=user)

        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Demo organization: {organization.name} (/o/{organization.slug}/)"
                f"\n  Sign in as:        {user.username} / {password}\n"
            )
        )
