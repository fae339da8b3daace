from rest_framework import permissions

from core.roles import Capability


class OrganizationRolePermission(permissions.BasePermission):
    """Roles apply to the API exactly as to the pages (see ``core.roles``).

    Reading needs VIEW; creating needs EDIT_ANY or EDIT_OWN; changing or
    deleting an object needs ``membership.can_edit(obj)``. A view may name
    other capabilities per action in ``action_capabilities``: one capability, or a
    tuple of which any one suffices.
    """

    message = "Your role in this organization does not allow this."

    def _required(self, view) -> Capability | tuple[Capability, ...] | None:
        return getattr(view, "action_capabilities", {}).get(getattr(view, "action", None))

    def has_permission(self, request, view):
        membership = view.membership
        required = self._required(view)
        if isinstance(required, tuple):
            return any(membership.can(capability) for capability in required)
        if required is not None:
            return membership.can(required)
        if request.method in permissions.SAFE_METHODS:
            return membership.can(Capability.VIEW)
        if request.method == "POST":
            return membership.can_create
        return membership.can(Capability.EDIT_ANY) or membership.can(Capability.EDIT_OWN)

    def has_object_permission(self, request, view, obj):
        if self._required(view) is not None or request.method in permissions.SAFE_METHODS:
            return True
        return view.membership.can_edit(obj)
