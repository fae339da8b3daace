"""AI system impact assessment pages: the list, an assessment with its impacts,
review and sign-off, versions, and raising register risks from impacts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from core.deletion import deletion_impact
from core.registers.members import member_users
from core.roles import Capability
from core.where_used import where_used
from organizations.scoping import OrganizationPageMixin

from .. import selectors, services
from ..forms import ImpactAssessmentForm, ImpactItemForm, ReviewersForm, ReviewRecordForm, SignOffForm
from ..models import AffectedParty, ImpactArea, scale_map


def _detail(organization, assessment):
    return redirect("risks:assessment_detail", organization_slug=organization.slug, pk=assessment.pk)


class AssessmentListView(OrganizationPageMixin, TemplateView):
    """The latest version of each AI system's assessment, a page at a time, and the
    first AI systems not yet assessed with how many there are (an inventory of
    thousands of AI systems must not make the page list them all). ``?owner=<user id>``
    keeps the assessments one member leads (what their page's "where used" links to)."""

    template_name = "risks/assessment_list.html"
    page_size = 50
    unassessed_shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessments = selectors.latest_assessments(self.organization)
        owner_id = self.request.GET.get("owner", "")
        owner = member_users(self.organization).filter(pk=owner_id).first() if owner_id.isdigit() else None
        if owner is not None:
            assessments = assessments.filter(owner=owner)
        page = Paginator(assessments, self.page_size).get_page(self.request.GET.get("page"))
        unassessed = selectors.unassessed_ai_systems(self.organization)
        shown = list(unassessed[: self.unassessed_shown])
        count = len(shown) if len(shown) < self.unassessed_shown else unassessed.count()
        context.update(
            assessments=page.object_list,
            owner=owner,
            page_obj=page,
            paginator=page.paginator,
            unassessed=shown,
            unassessed_count=count,
            unassessed_more=count - len(shown),
            can_create=self.membership.can_create,
        )
        return context


class AssessmentDetailView(OrganizationPageMixin, TemplateView):
    template_name = "risks/assessment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        items = selectors.assessment_items(assessment)
        reviewers = selectors.assessment_reviewers(assessment)
        methodology = selectors.methodology_for(self.organization)
        by_area = [
            (value, label, [i for i in items if i.area == value]) for value, label in ImpactArea.choices
        ]
        my_review = next((r for r in reviewers if r.user_id == self.request.user.pk), None)
        can_edit = self.membership.can_edit(assessment) and not assessment.is_frozen
        latest = selectors.latest_version_number(assessment)
        for item in items:
            item.mapped = (
                scale_map(item.likelihood, to_size=methodology.likelihood_size),
                scale_map(item.severity, to_size=methodology.impact_size),
            )
            item.mapped_level = methodology.level_for(item.mapped[0] * item.mapped[1])
        context.update(
            assessment=assessment,
            where_used=where_used(assessment, organization=self.organization),
            items=items,
            by_area=by_area,
            areas_covered=sum(1 for _, _, rows in by_area if rows),
            reviewers=reviewers,
            versions=selectors.assessment_versions(assessment),
            is_latest=assessment.version == latest,
            latest_version=latest,
            can_edit=can_edit,
            can_raise=self.membership.can_create,
            can_approve=self.membership.can(Capability.APPROVE),
            can_reassess=self.membership.can_create and assessment.is_frozen and assessment.version == latest,
            my_review=my_review,
            reviewers_form=kwargs.get("reviewers_form")
            or ReviewersForm(
                members=selectors.impact_reviewer_users(self.organization),
                initial={"reviewers": [r.user_id for r in reviewers]},
            ),
            review_form=kwargs.get("review_form") or ReviewRecordForm(),
            sign_off_form=kwargs.get("sign_off_form") or SignOffForm(),
            sign_off_errors=kwargs.get("sign_off_errors", []),
            methodology=methodology,
            high_impacts=sum(1 for i in items if i.severity >= 4),
            linked_risks=sum(1 for i in items if i.risk_id),
        )
        return context


class AssessmentFormMixin:
    template_name = "risks/assessment_form.html"
    form_class = ImpactAssessmentForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(members=member_users(self.organization), membership=self.membership)
        return kwargs


class AssessmentCreateView(AssessmentFormMixin, OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["ai_systems"] = selectors.ai_systems_for(self.organization)
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        system = self.request.GET.get("ai_system", "")
        if system.isdigit():
            initial["ai_system"] = int(system)
        return initial

    def form_valid(self, form):
        try:
            assessment = services.impact_assessment_create(
                organization=self.organization,
                actor=self.request.user,
                ai_system=form.cleaned_data["ai_system"],
                values=form.values(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, "Assessment started. Add the foreseeable impacts, area by area.")
        return _detail(self.organization, assessment)


class AssessmentUpdateView(AssessmentFormMixin, OrganizationPageMixin, FormView):
    required_capability = Capability.EDIT_OWN

    def get_assessment(self):
        if not hasattr(self, "assessment"):
            self.assessment = selectors.assessment_get(
                organization=self.organization, assessment_id=self.kwargs["pk"]
            )
            if not self.membership.can_edit(self.assessment):
                raise PermissionDenied("Only the assessment's lead (or an officer) changes it.")
        return self.assessment

    def get(self, request, *args, **kwargs):
        if self.get_assessment().is_frozen:
            messages.info(request, "This version is signed off and frozen.")
            return _detail(self.organization, self.get_assessment())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_assessment()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assessment"] = self.get_assessment()
        return context

    def form_valid(self, form):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=self.kwargs["pk"])
        try:
            services.impact_assessment_update(
                assessment=assessment, actor=self.request.user, values=form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, "Assessment saved.")
        return _detail(self.organization, assessment)


class AssessmentDeleteView(OrganizationPageMixin, TemplateView):
    required_capability = Capability.EDIT_OWN
    template_name = "risks/assessment_confirm_delete.html"

    def get_assessment(self):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=self.kwargs["pk"])
        if not self.membership.can_edit(assessment) or assessment.is_frozen:
            raise PermissionDenied("Only a draft can be deleted, by its lead or an officer.")
        return assessment

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessment = self.get_assessment()
        context.update(
            assessment=assessment,
            item_count=assessment.items.count(),
            impact=deletion_impact(assessment, actor=self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        assessment = self.get_assessment()
        services.impact_assessment_delete(assessment=assessment, actor=request.user)
        messages.success(
            request, f"The draft of version {assessment.version} was deleted; its history keeps it."
        )
        return redirect("risks:assessment_list", organization_slug=self.organization.slug)


class ItemFormView(OrganizationPageMixin, FormView):
    """Add an impact (no ``item_id``) or change one."""

    required_capability = Capability.EDIT_OWN
    template_name = "risks/item_form.html"
    form_class = ImpactItemForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.assessment = self.item = None

    def load(self):
        if self.assessment is None:
            self.assessment = selectors.assessment_get(
                organization=self.organization, assessment_id=self.kwargs["pk"]
            )
            if not self.membership.can_edit(self.assessment):
                raise PermissionDenied("Only the assessment's lead (or an officer) changes its impacts.")
            if "item_id" in self.kwargs:
                self.item = selectors.item_get(assessment=self.assessment, item_id=self.kwargs["item_id"])

    def get(self, request, *args, **kwargs):
        self.load()
        if self.assessment.is_frozen:
            messages.info(request, "This version is signed off and frozen.")
            return _detail(self.organization, self.assessment)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        area = self.request.GET.get("area")
        if area in ImpactArea.values:
            initial["area"] = area
        initial.setdefault("affected_party", AffectedParty.INDIVIDUALS)
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.item is not None:
            kwargs["instance"] = self.item
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(assessment=self.assessment, item=self.item)
        return context

    def form_valid(self, form):
        try:
            if self.item is None:
                services.impact_item_create(
                    assessment=self.assessment, actor=self.request.user, values=form.values()
                )
            else:
                item = selectors.item_get(assessment=self.assessment, item_id=self.kwargs["item_id"])
                services.impact_item_update(item=item, actor=self.request.user, values=form.values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, "Impact saved.")
        return _detail(self.organization, self.assessment)


class ItemDeleteView(OrganizationPageMixin, View):
    required_capability = Capability.EDIT_OWN

    def post(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        item = selectors.item_get(assessment=assessment, item_id=kwargs["item_id"])
        try:
            services.impact_item_delete(item=item, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Impact removed; the history keeps it.")
        return _detail(self.organization, assessment)


class ItemRaiseRiskView(OrganizationPageMixin, View):
    """One click: the impact becomes an AI risk in the register, linked both ways."""

    required_capability = Capability.EDIT_OWN

    def post(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        item = selectors.item_get(assessment=assessment, item_id=kwargs["item_id"])
        try:
            risk = services.impact_item_raise_risk(item=item, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _detail(self.organization, assessment)
        messages.success(
            request,
            f"{risk.reference} is in the register, pre-filled from the impact. Decide its treatment "
            "and choose its controls.",
        )
        return redirect("risks:detail", organization_slug=self.organization.slug, pk=risk.pk)


class ReviewersView(AssessmentDetailView):
    required_capability = Capability.EDIT_OWN
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        form = ReviewersForm(request.POST, members=selectors.impact_reviewer_users(self.organization))
        if form.is_valid():
            try:
                services.impact_reviewers_set(
                    assessment=assessment, actor=request.user, users=form.cleaned_data["reviewers"]
                )
            except ValidationError as exc:
                for problems in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
                    form.add_error("reviewers", problems)
            else:
                messages.success(request, "Reviewers saved.")
                return _detail(self.organization, assessment)
        return self.render_to_response(self.get_context_data(reviewers_form=form, **kwargs), status=400)


class ReviewRecordView(AssessmentDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        if not services.impact_review_allowed(assessment=assessment, membership=self.membership):
            raise PermissionDenied("Only the reviewers named on this assessment record a review.")
        form = ReviewRecordForm(request.POST)
        if form.is_valid():
            try:
                services.impact_review_record(
                    assessment=assessment, actor=request.user, comment=form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                form.add_error("comment", exc.messages)
            else:
                messages.success(request, "Your review is recorded.")
                return _detail(self.organization, assessment)
        return self.render_to_response(self.get_context_data(review_form=form, **kwargs), status=400)


class SignOffView(AssessmentDetailView):
    required_capability = Capability.APPROVE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        form = SignOffForm(request.POST)
        errors = []
        if form.is_valid():
            try:
                services.impact_assessment_sign_off(
                    assessment=assessment, actor=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                # No flash message: the page's own "Signed off by … frozen" banner says it (one banner).
                return _detail(self.organization, assessment)
        context = self.get_context_data(sign_off_form=form, sign_off_errors=errors, **kwargs)
        return self.render_to_response(context, status=400)


class ReassessView(OrganizationPageMixin, View):
    required_capability = Capability.EDIT_OWN

    def post(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(organization=self.organization, assessment_id=kwargs["pk"])
        try:
            new = services.impact_assessment_reassess(assessment=assessment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _detail(self.organization, assessment)
        messages.success(
            request,
            f"Version {new.version} started from version {assessment.version}, with its impacts. "
            f"Version {assessment.version} stays as it was signed off.",
        )
        return _detail(self.organization, new)
