"""The one way a request reaches an organization's data: through the user's membership.

- ``OrganizationPageMixin`` for pages under ``/o/<organization_slug>/…``;
- ``OrganizationAPIMixin`` for endpoints under ``/api/v1/organizations/<organization_slug>/…``;
- ``OrganizationRecordViewSet``: CRUD over one organization-owned model, with ``history/``.

Each resolves the slug through ``membership_for`` (404 for anyone who is not a
member, so a stranger cannot tell an organization that exists from one that does
not), then checks the role (403: a member may know the page exists). The toolkit
views of ``core`` (lists, exports, imports, history) expect ``self.organization``
and ``self.membership`` and are combined with these mixins by each register.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from core.api.permissions import OrganizationRolePermission
from core.api.viewsets import RecordHistoryActionMixin
from core.roles import Capability
from core.views import RecordHistoryView

from .selectors import membership_for


class OrganizationPageMixin(LoginRequiredMixin):
    """Resolves ``<organization_slug>`` to the user's membership (404 if none)
    and checks ``required_capability`` (403: a member may know the page exists;
    VIEW when the view names none). It comes first in a view's bases, so it
    names no default itself: the toolkit views it is combined with set their own.

    Sets ``self.organization`` and ``self.membership`` (also on the request,
    for templates and the navigation).
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = membership_for(user=request.user, organization_slug=kwargs["organization_slug"])
        self.organization = self.membership.organization
        request.organization = self.organization
        request.membership = self.membership
        request.session["organization_slug"] = self.organization.slug
        if not self.membership.can(getattr(self, "required_capability", Capability.VIEW)):
            raise PermissionDenied("Your role in this organization does not allow this.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["membership"] = self.membership
        return context


class OrganizationRecordHistoryView(OrganizationPageMixin, RecordHistoryView):
    """The history page of one record of the organization, routed as
    ``OrganizationRecordHistoryView.as_view(model=Asset)``."""


def token_organization_id(request) -> int | None:
    """The organization the request's API token is limited to (``api_tokens``), or None."""
    return getattr(getattr(request, "auth", None), "organization_id", None)


class OrganizationAPIMixin:
    """Resolves the organization from the URL through the user's membership
    (404 for non-members, and for an organization the request's token is not
    limited to) and keeps every queryset inside it."""

    permission_classes = [IsAuthenticated, OrganizationRolePermission]

    def check_permissions(self, request):
        # Runs after authentication, so a token's user is known here. A route without
        # the slug (the list of one's organizations) answers for the user alone.
        if (
            request.user
            and request.user.is_authenticated
            and "organization_slug" in self.kwargs
            and not hasattr(self, "membership")
        ):
            membership = membership_for(user=request.user, organization_slug=self.kwargs["organization_slug"])
            limit = token_organization_id(request)
            if limit is not None and limit != membership.organization_id:
                raise Http404("No such organization")
            self.membership = membership
            self.organization = membership.organization
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.model.objects.none()
        return self.get_base_queryset().for_organization(self.organization)

    def get_base_queryset(self):
        return self.queryset.model.objects.all()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "organization"):
            context["organization"] = self.organization
            context["membership"] = self.membership
        return context


class OrganizationRecordViewSet(OrganizationAPIMixin, RecordHistoryActionMixin, viewsets.ModelViewSet):
    """CRUD over one organization-owned model, with a ``history/`` action."""
