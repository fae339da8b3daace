"""Management reviews (9.3, one for both systems): the list, a new review with its
inputs as of its date (shown before it is recorded), a review with its decisions
and actions, its edit and delete."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from core.registers.lists import RegisterListView, RegisterURLs
from core.roles import Capability
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..filters import ManagementReviewFilter
from ..forms import ManagementReviewForm
from ..inputs import inputs_summary
from .common import RecordDeleteView
from .followup import _action_rows


class ManagementReviewListView(OrganizationPageMixin, RegisterListView):
    template_name = "audits/review_list.html"
    filterset_class = ManagementReviewFilter
    default_ordering = ("-date", "-number")
    context_object_name = "reviews"
    noun, noun_plural = "management review", "management reviews"
    urls = RegisterURLs(list="audits:reviews", create="audits:review_create")

    def get_base_queryset(self):
        return selectors.management_reviews_for(self.organization)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.membership.can(Capability.EDIT_ANY)
        return context


def _date_param(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


class ReviewFormMixin:
    template_name = "audits/review_form.html"
    form_class = ManagementReviewForm
    required_capability = Capability.EDIT_ANY

    def inputs_date(self, form=None) -> datetime.date:
        if form is not None and form.is_bound and form.is_valid() and form.cleaned_data.get("date"):
            return form.cleaned_data["date"]
        return _date_param(self.request.GET.get("date"))


class ManagementReviewCreateView(ReviewFormMixin, OrganizationPageMixin, FormView):
    """A new review; the page shows the inputs as of the chosen date ("Take the inputs
    as of this date" reloads them), and the service stores them when it is recorded."""

    def get_initial(self):
        return {"date": _date_param(self.request.GET.get("date"))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of = self.inputs_date(context["form"])
        context.update(
            as_of=as_of,
            inputs=inputs_summary(selectors.management_review_inputs(self.organization, as_of=as_of)),
            preview=True,
        )
        return context

    def form_valid(self, form):
        try:
            review = services.management_review_create(
                organization=self.organization, actor=self.request.user, values=form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{review} is recorded, with its inputs as of {review.date:%d %b %Y}.")
        return redirect("audits:review_detail", self.organization.slug, review.pk)


class ManagementReviewUpdateView(ReviewFormMixin, OrganizationPageMixin, FormView):
    def get_review(self):
        if not hasattr(self, "_review"):
            self._review = selectors.management_review_get(
                organization=self.organization, review_id=self.kwargs["pk"]
            )
        return self._review

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_review()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.get_review()
        context.update(review=review, as_of=review.date, inputs=inputs_summary(review.inputs), preview=False)
        return context

    def form_valid(self, form):
        review = selectors.management_review_get(organization=self.organization, review_id=self.kwargs["pk"])
        try:
            review = services.management_review_update(
                review=review, actor=self.request.user, values=form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{review} saved.")
        return redirect("audits:review_detail", self.organization.slug, review.pk)


class ManagementReviewDetailView(OrganizationPageMixin, TemplateView):
    template_name = "audits/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = selectors.management_review_get(organization=self.organization, review_id=kwargs["pk"])
        actions = selectors.corrective_actions_for(self.organization).filter(review=review)
        context.update(
            review=review,
            where_used=where_used(review, organization=self.organization),
            inputs=inputs_summary(review.inputs),
            actions=_action_rows(actions, self.membership),
            can_manage=self.membership.can(Capability.EDIT_ANY),
        )
        return context


class ManagementReviewDeleteView(RecordDeleteView):
    noun = "management review"
    register = ("audits:reviews", "Management reviews")

    def get_record(self):
        return selectors.management_review_get(organization=self.organization, review_id=self.kwargs["pk"])

    def delete(self, record):
        services.management_review_delete(review=record, actor=self.request.user)

    def record_url(self, record) -> str:
        return reverse("audits:review_detail", args=[self.organization.slug, record.pk])

    def done_url(self) -> str:
        return reverse("audits:reviews", args=[self.organization.slug])
