"""``/api/v1/organizations/{organization_slug}/risks/``, ``…/treatment-actions/``,
``…/impact-assessments/``, ``…/impact-items/`` and ``…/risk-methodology/``.

Thin: each endpoint translates HTTP to a service call and back; the services
check roles and rules exactly as for the pages.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.lists import ValuesListMixin
from core.api.viewsets import (
    DESTROY_RESPONSES,
    FROZEN_RESPONSE,
    ORGANIZATION_SLUG_PARAMETER,
    WhereUsedActionMixin,
)
from core.registers.filters import RegisterFilterBackend, StrictFilterBackend
from core.roles import Capability
from organizations.scoping import OrganizationAPIMixin, OrganizationRecordViewSet

from . import selectors, services
from .filters import ImpactAssessmentFilter, RiskFilter
from .models import ImpactAssessment, ImpactItem, Risk, RiskMethodology, TreatmentAction
from .serializers import (
    RISK_LIST_VALUES,
    AcceptRequestSerializer,
    ImpactAssessmentSerializer,
    ImpactItemSerializer,
    ReviewersRequestSerializer,
    ReviewRecordRequestSerializer,
    ReviewRequestSerializer,
    RiskMethodologySerializer,
    RiskSerializer,
    SignOffRequestSerializer,
    TreatmentActionSerializer,
    WithdrawRequestSerializer,
    risk_list_linked,
    risk_list_rows,
)

_SCOPED = extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER])
_CRUD = dict.fromkeys(
    ("list", "create", "retrieve", "update", "partial_update", "destroy", "history"), _SCOPED
)
#: A register record deleted through ``core.deletion``: 409 with the records that refuse it.
_DELETES_WITH_IMPACT = {
    **_CRUD,
    "destroy": extend_schema(parameters=[ORGANIZATION_SLUG_PARAMETER], responses=DESTROY_RESPONSES),
}
#: Parts of an impact assessment, frozen once it is signed off: changes answer 400 with the
#: message in ``detail`` (the 400 every write documents, ``core.api.schema``).
_FROZEN_WHEN_SIGNED = _CRUD


@extend_schema_view(**_DELETES_WITH_IMPACT)
@extend_schema(tags=["risks"])
class RiskViewSet(ValuesListMixin, WhereUsedActionMixin, OrganizationRecordViewSet):
    """The risk register: information security and AI risks.

    Filter with the register page's parameters (`category`, `level`,
    `inherent_level`, `residual_level`, `status` — `open` for every status but
    closed —, `treatment`, `owner`, `asset`, `control`, `assessment`, `review_overdue`,
    `review_due_before`, `above_appetite`, `accepted`, `inherent_cell`,
    `residual_cell`), search with `search`, sort with `ordering`. Scores and
    levels are computed from the ratings on the organization's methodology.
    Contributors record risks they own and change only those.
    """

    queryset = Risk.objects.all()
    serializer_class = RiskSerializer
    filter_backends = [RegisterFilterBackend]
    filterset_class = RiskFilter
    action_capabilities = {
        "accept": Capability.APPROVE,
        "withdraw_acceptance": Capability.APPROVE,
        "review": Capability.EDIT_OWN,
    }
    list_values = RISK_LIST_VALUES

    def list_linked(self):
        return risk_list_linked()

    def list_rows(self, values):
        return risk_list_rows(values)

    def get_base_queryset(self):
        if self.action == "list":
            # The page's .values() reads none of the prefetches and annotations below; building
            # them cost each page about a millisecond.
            return Risk.objects.all()
        return selectors.risks_with_links(
            Risk.objects.select_related("owner", "accepted_by").prefetch_related("actions__owner")
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.query_params.get("ordering"):
            queryset = queryset.order_by("number")
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "organization"):
            context["methodology"] = selectors.methodology_for(self.organization)
        return context

    def _fresh(self, risk):
        return self.get_queryset().get(pk=risk.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        risk = services.risk_create(
            organization=self.organization,
            actor=self.request.user,
            values=_values(data),
            assets=data.get("assets", []),
            controls=data.get("controls", []),
        )
        serializer.instance = self._fresh(risk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        risk = services.risk_update(
            risk=serializer.instance,
            actor=self.request.user,
            values=_values(data),
            assets=data.get("assets"),
            controls=data.get("controls"),
        )
        serializer.instance = self._fresh(risk)

    def perform_destroy(self, instance):
        services.risk_delete(risk=instance, actor=self.request.user)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=AcceptRequestSerializer,
        responses=RiskSerializer,
        summary="Accept the risk at its current rating",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        """Accept the risk (members who may approve). Within the risk appetite a
        short note suffices; above it the justification needs at least 40
        characters. Records who, when, why, and the score and level accepted."""
        risk = self.get_object()
        body = AcceptRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.risk_accept(
            risk=risk, actor=request.user, justification=body.validated_data["justification"]
        )
        return Response(self.get_serializer(self._fresh(risk)).data)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=WithdrawRequestSerializer,
        responses=RiskSerializer,
        summary="Withdraw the risk's acceptance",
    )
    @action(detail=True, methods=["post"], url_path="withdraw-acceptance")
    def withdraw_acceptance(self, request, *args, **kwargs):
        risk = self.get_object()
        body = WithdrawRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.risk_acceptance_withdraw(
            risk=risk, actor=request.user, reason=body.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(self._fresh(risk)).data)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=ReviewRequestSerializer,
        responses=RiskSerializer,
        summary="Record that the risk was reviewed today",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """The next review follows the methodology's interval from today."""
        risk = self.get_object()
        body = ReviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.risk_review_record(risk=risk, actor=request.user, note=body.validated_data.get("note", ""))
        return Response(self.get_serializer(self._fresh(risk)).data)


def _values(data: dict) -> dict:
    return {k: v for k, v in data.items() if k in services.RISK_WRITABLE_FIELDS}


@extend_schema_view(**_CRUD)
@extend_schema(tags=["risks"])
class TreatmentActionViewSet(OrganizationRecordViewSet):
    """The actions of the risks' treatment plans. Filter with `risk`, `owner`,
    `status` and `overdue`. The risk's owner (or an officer) plans and changes
    them; an action's owner may progress and complete it."""

    queryset = TreatmentAction.objects.all()
    serializer_class = TreatmentActionSerializer
    filterset_fields = {"risk": ["exact"], "status": ["exact", "in"], "due_date": ["lte", "gte"]}
    ordering_fields = ["due_date", "status", "updated_at"]

    def get_base_queryset(self):
        return TreatmentAction.objects.select_related("owner", "risk").order_by("due_date", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        risk = data.pop("risk")
        serializer.instance = services.treatment_action_create(
            risk=risk, actor=self.request.user, values=data
        )

    def perform_update(self, serializer):
        serializer.instance = services.treatment_action_update(
            action=serializer.instance, actor=self.request.user, values=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.treatment_action_delete(action=instance, actor=self.request.user)


@extend_schema_view(
    **{
        **_FROZEN_WHEN_SIGNED,
        "destroy": extend_schema(
            parameters=[ORGANIZATION_SLUG_PARAMETER],
            responses={**DESTROY_RESPONSES, 400: FROZEN_RESPONSE},
        ),
    }
)
@extend_schema(tags=["impact assessments"])
class ImpactAssessmentViewSet(WhereUsedActionMixin, OrganizationRecordViewSet):
    """AI system impact assessments (ISO/IEC 42001 6.1.4, A.5), one row per version.

    Create starts version 1 of an AI system's assessment; drafts can be
    changed and deleted; `sign-off` freezes a version (members who may
    approve); `reassess` starts the next version from a copy. Filter with
    `ai_system`, `status` and `latest=true`.
    """

    queryset = ImpactAssessment.objects.all()
    serializer_class = ImpactAssessmentSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ImpactAssessmentFilter
    action_capabilities = {
        "sign_off": Capability.APPROVE,
        "reassess": Capability.EDIT_OWN,
        "review": Capability.VIEW,
        "reviewers": Capability.EDIT_OWN,
    }

    def get_base_queryset(self):
        return (
            ImpactAssessment.objects.select_related("ai_system", "owner", "signed_off_by")
            .prefetch_related("reviewer_links__user", "items__risk")
            .order_by("ai_system__name", "ai_system_id", "-version")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.impact_assessment_create(
            organization=self.organization,
            actor=self.request.user,
            ai_system=data.pop("ai_system"),
            values=data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.impact_assessment_update(
            assessment=serializer.instance, actor=self.request.user, values=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.impact_assessment_delete(assessment=instance, actor=self.request.user)

    def _answer(self, assessment, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data, status=code)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=SignOffRequestSerializer,
        responses=ImpactAssessmentSerializer,
        summary="Sign off this version, which freezes it",
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, *args, **kwargs):
        assessment = self.get_object()
        body = SignOffRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.impact_assessment_sign_off(
            assessment=assessment, actor=request.user, note=body.validated_data.get("note", "")
        )
        return self._answer(assessment)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=None,
        responses={201: ImpactAssessmentSerializer},
        summary="Start the next version from a copy of this signed-off one",
    )
    @action(detail=True, methods=["post"])
    def reassess(self, request, *args, **kwargs):
        new = services.impact_assessment_reassess(assessment=self.get_object(), actor=request.user)
        return self._answer(new, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=ReviewersRequestSerializer,
        responses=ImpactAssessmentSerializer,
        summary="Name the reviewers of this version",
    )
    @action(detail=True, methods=["put"])
    def reviewers(self, request, *args, **kwargs):
        assessment = self.get_object()
        body = ReviewersRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        services.impact_reviewers_set(
            assessment=assessment, actor=request.user, users=body.validated_data["reviewers"]
        )
        return self._answer(assessment)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=ReviewRecordRequestSerializer,
        responses=ImpactAssessmentSerializer,
        summary="Record your review (named reviewers only)",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        assessment = self.get_object()
        if not services.impact_review_allowed(assessment=assessment, membership=self.membership):
            raise PermissionDenied("Only the reviewers named on this assessment record a review.")
        body = ReviewRecordRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.impact_review_record(
            assessment=assessment, actor=request.user, comment=body.validated_data["comment"]
        )
        return self._answer(assessment)


@extend_schema_view(
    **{
        **_FROZEN_WHEN_SIGNED,
        "destroy": extend_schema(
            parameters=[ORGANIZATION_SLUG_PARAMETER], responses={204: None, 400: FROZEN_RESPONSE}
        ),
    }
)
@extend_schema(tags=["impact assessments"])
class ImpactItemViewSet(OrganizationRecordViewSet):
    """The foreseeable impacts of the assessments. Items of a signed-off
    version are read-only; `raise-risk` records the AI risk an impact raises,
    pre-filled and linked, in one step. Filter with `assessment`, `area`."""

    queryset = ImpactItem.objects.all()
    serializer_class = ImpactItemSerializer
    filterset_fields = {"assessment": ["exact"], "area": ["exact"], "severity": ["gte"]}
    action_capabilities = {"raise_risk": Capability.EDIT_OWN}

    def get_base_queryset(self):
        return ImpactItem.objects.select_related("assessment", "risk").order_by("assessment_id", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.impact_item_create(
            assessment=data.pop("assessment"), actor=self.request.user, values=data
        )

    def perform_update(self, serializer):
        serializer.instance = services.impact_item_update(
            item=serializer.instance, actor=self.request.user, values=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.impact_item_delete(item=instance, actor=self.request.user)

    @extend_schema(
        parameters=[ORGANIZATION_SLUG_PARAMETER],
        request=None,
        responses={201: RiskSerializer},
        summary="Raise the AI risk this impact points to, linked to it",
    )
    @action(detail=True, methods=["post"], url_path="raise-risk")
    def raise_risk(self, request, *args, **kwargs):
        risk = services.impact_item_raise_risk(item=self.get_object(), actor=request.user)
        fresh = selectors.risk_get(organization=self.organization, risk_id=risk.pk, with_links=True)
        context = {
            **self.get_serializer_context(),
            "methodology": selectors.methodology_for(self.organization),
        }
        return Response(RiskSerializer(fresh, context=context).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["risks"], parameters=[ORGANIZATION_SLUG_PARAMETER])
class RiskMethodologyViewSet(
    OrganizationAPIMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The organization's risk methodology: scales, level bands, risk appetite
    and review interval. Every member reads it; administrators change it, and
    a change re-scores every risk of the register."""

    queryset = RiskMethodology.objects.all()
    serializer_class = RiskMethodologySerializer
    action_capabilities = {
        "update": Capability.MANAGE_METHODOLOGY,
        "partial_update": Capability.MANAGE_METHODOLOGY,
    }

    def get_object(self):
        return selectors.methodology_for(self.organization)

    def perform_update(self, serializer):
        methodology = serializer.instance
        services.methodology_update(
            methodology=methodology, actor=self.request.user, values=dict(serializer.validated_data)
        )
        methodology.refresh_from_db()
        serializer.instance = methodology
