"""Writes to organizations and memberships. Each one records who did it."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from core.roles import Role
from core.services import record_delete, record_save
from core.types import Actor

from .models import Membership, Organization

User = get_user_model()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def organization_create(*, name: str, creator, slug: str = "", description: str = "") -> Organization:
    """Create an organization whose creator is its first administrator."""
    if slug and Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "An organization with this slug already exists."})
    organization = Organization(name=name, slug=slug or _unique_slug(name), description=description)
    organization.full_clean()
    record_save(organization, actor=creator, reason="Organization created")
    record_save(
        Membership(organization=organization, user=creator, role=Role.ADMIN),
        actor=creator,
        reason="Creator of the organization",
    )
    return organization


def organization_update(
    *, organization: Organization, actor: Actor, name: str, description: str
) -> Organization:
    organization.name = name
    organization.description = description
    organization.full_clean()
    return record_save(organization, actor=actor, update_fields=["name", "description", "updated_at"])


def _ensure_admin_remains(membership: Membership, *, new_role: str | None) -> None:
    if membership.role != Role.ADMIN or new_role == Role.ADMIN:
        return
    other_admins = Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.ADMIN
    ).exclude(pk=membership.pk)
    if not other_admins.exists():
        raise ValidationError({"role": "An organization needs at least one administrator."})


def membership_add(*, organization: Organization, actor: Actor, user, role: str) -> Membership:
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError({"user": f"{user.username} is already a member of {organization.name}."})
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean()
    return record_save(membership, actor=actor, reason="Member added")


@transaction.atomic
def member_create_with_account(
    *,
    organization: Organization,
    actor: Actor,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
) -> tuple[Membership, str]:
    """Create a user account and make it a member; returns the one-time password.

    The password is shown once to the administrator, who hands it over; the
    new member changes it after signing in.
    """
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This username is taken."})
    password = secrets.token_urlsafe(12)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return membership_add(organization=organization, actor=actor, user=user, role=role), password


def membership_change_role(*, membership: Membership, actor: Actor, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    with transaction.atomic():
        _ensure_admin_remains(membership, new_role=role)
        membership.role = role
        return record_save(membership, actor=actor, reason="Role changed", update_fields=["role"])


def membership_remove(*, membership: Membership, actor: Actor) -> None:
    with transaction.atomic():
        _ensure_admin_remains(membership, new_role=None)
        record_delete(membership, actor=actor, reason="Member removed")
