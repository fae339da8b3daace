"""The member's inbox: the list, open one (marks it read), mark all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from organizations.scoping import OrganizationPageMixin

from . import selectors, services

PAGE_SIZE = 50


class NotificationListView(OrganizationPageMixin, TemplateView):
    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inbox = selectors.inbox_for(self.organization, self.request.user)
        if self.request.GET.get("unread") == "true":
            inbox = inbox.unread()
        page = Paginator(inbox, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            paginator=page.paginator,
            notifications=page.object_list,
            unread_only=self.request.GET.get("unread") == "true",
        )
        return context


class NotificationOpenView(OrganizationPageMixin, View):
    """POST: mark the notification read and go to its record (or back to the inbox)."""

    def post(self, request, *args, **kwargs):
        notification = selectors.notification_get(
            organization=self.organization, recipient=request.user, notification_id=kwargs["pk"]
        )
        services.notifications_mark_read(
            organization=self.organization, recipient=request.user, ids=[notification.pk]
        )
        if notification.target_url and request.POST.get("go") != "inbox":
            return redirect(notification.target_url)
        return redirect("notifications:list", organization_slug=self.organization.slug)


class NotificationReadAllView(OrganizationPageMixin, View):
    def post(self, request, *args, **kwargs):
        count = services.notifications_mark_read(organization=self.organization, recipient=request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
        return redirect("notifications:list", organization_slug=self.organization.slug)
