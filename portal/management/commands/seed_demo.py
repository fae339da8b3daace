import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from assets.demo import demo_assets_create
from core.roles import Role
from notifications.services import notifications_unmailed
from organizations import services
from organizations.models import Membership, Organization
from portal.scale_seed import scale_seed
from risks.demo import demo_risks_create

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo organization and its administrator, and print the login. "
        "The password is new on every run unless DEMO_PASSWORD is set. With --orgs (or --assets, "
        "--risks), create that many seeded organizations of that size instead (portal.scale_seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--orgs", type=int, help="Seed this many organizations (scale seed).")
        parser.add_argument("--assets", type=int, help="Assets per seeded organization (default 1000).")
        parser.add_argument(
            "--risks", type=int, help="Risks per seeded organization (default: half the assets)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same organizations (default 1).")
        parser.add_argument(
            "--first",
            type=int,
            default=1,
            help="Number of the first organization (default 1): --first 50 --orgs 1 seeds the 50th alone.",
        )

    def handle(self, *args, username, orgs, assets, risks, seed, first, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        if orgs is not None or assets is not None or risks is not None:
            self._scale(orgs=orgs or 1, assets=assets, risks=risks, seed=seed, first=first, password=password)
        else:
            self._demo(username=username, password=password)

    def _scale(self, *, orgs, assets, risks, seed, first, password):
        assets = 1000 if assets is None else assets
        risks = assets // 2 if risks is None else risks
        self.stdout.write(
            f"Seeding {orgs} organization(s) of {assets} assets and {risks} risks, seed {seed}:"
        )
        # The seeded accounts are made up: the in-app notifications the services raise are
        # kept, and nothing is mailed (with DEBUG off the SMTP backend would try each one).
        with notifications_unmailed():
            seeded = scale_seed(
                orgs=orgs,
                assets=assets,
                risks=risks,
                seed=seed,
                first=first,
                password=password,
                stdout=self.stdout,
            )
        if seeded:
            one = seeded[0]
            self.stdout.write(
                self.style.SUCCESS(
                    f"\n  First organization: {one.organization.name} (/o/{one.organization.slug}/)"
                    f"\n  Sign in as:         {one.admin.username} / {password}"
                    " (every seeded account has this password)\n"
                )
            )

    @transaction.atomic
    def _demo(self, *, username, password):
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
