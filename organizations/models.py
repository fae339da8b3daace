from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import OrganizationHistoricalRecords, OrganizationQuerySet
from core.roles import Capability, Role, role_can


class Organization(models.Model):
    """The tenant: every GRC record belongs to exactly one organization."""

    trail_url = "portal:overview"  # where the audit trail links to (core.audit_trail)

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in addresses; letters, digits, hyphens."
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    trail_url = "organizations:members"  # where the audit trail links to (core.audit_trail)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    history = OrganizationHistoricalRecords()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} as {self.get_role_display()}"

    def can(self, capability: Capability) -> bool:
        return role_can(self.role, capability)

    def can_edit(self, obj) -> bool:
        """Whether this member may change ``obj`` (a record of their organization).

        Contributors may change what they own; records without an ``owner``
        field are editable only by those who may edit everything.
        """
        if self.can(Capability.EDIT_ANY):
            return True
        if self.can(Capability.EDIT_OWN):
            return getattr(obj, "owner_id", None) == self.user_id
        return False

    def can_assign_owner(self, user) -> bool:
        """Whether this member may make ``user`` the owner of a record:
        those who edit everything may name anyone, contributors only themselves."""
        if self.can(Capability.EDIT_ANY):
            return True
        return self.can(Capability.EDIT_OWN) and user is not None and user.pk == self.user_id

    @property
    def can_create(self) -> bool:
        return self.can(Capability.EDIT_ANY) or self.can(Capability.EDIT_OWN)

    @property
    def can_delete_documents(self) -> bool:
        return self.can(Capability.DELETE_DOCUMENTS)
