"""The organization's overdue treatment actions: what the overview's count opens."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from core.roles import Capability
from organizations.scoping import OrganizationPageMixin

from .. import selectors

PAGE_SIZE = 50


class OverdueActionsView(OrganizationPageMixin, TemplateView):
    """Every pending treatment action past its due date, most overdue first, with
    its risk and owner; ``?owner=<user id>`` narrows it to one owner."""

    template_name = "risks/overdue_actions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actions = selectors.overdue_actions_for(self.organization)
        owners = selectors.overdue_action_owners(self.organization)
        owner = self.request.GET.get("owner", "")
        chosen = next((o for o in owners if str(o["id"]) == owner), None)
        if chosen is not None:
            actions = actions.filter(owner_id=chosen["id"])
        page = Paginator(actions, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            actions=page.object_list,
            owners=owners,
            chosen_owner=chosen,
            all_total=sum(o["count"] for o in owners),
            paginator=page.paginator,
            total=page.paginator.count,
            can_complete_all=self.membership.can(Capability.EDIT_ANY),
            can_create=self.membership.can_create,
        )
        return context
