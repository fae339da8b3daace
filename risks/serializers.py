import datetime
import functools

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset, AssetKind
from assets.serializers import AssetBriefSerializer
from core.api.fields import BlankAsNullChoiceField
from core.api.lists import CompiledOnce, DateTimeText, date_text, linked_rows, moment, person_name
from core.registers.serializers import MemberField, OrganizationRecordField, OwnerDefaultMixin

from . import selectors
from .models import (
    PENDING_ACTION_STATUSES,
    ImpactAssessment,
    ImpactItem,
    ImpactReviewer,
    Level,
    Risk,
    RiskAsset,
    RiskControl,
    RiskMethodology,
    RiskStatus,
    TreatmentAction,
    risk_reference,
)
from .models.methodology import is_above_appetite
from .services.register import ABOVE_APPETITE_JUSTIFICATION_MIN


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class ControlsField(serializers.Field):
    """Treatment controls, read and written as ``ISO27001:8.28`` / ``ISO42001:A.6.2.8``."""

    default_error_messages = {
        "not_a_list": 'Give a list of controls, e.g. ["ISO27001:8.28", "ISO42001:A.6.2.8"].',
        "unknown": "Not controls of either catalogue: {labels}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, risk):
        return [selectors.control_label(link.control) for link in risk.control_links.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            self.fail("not_a_list")
        found, unknown = selectors.controls_by_label(data)
        if unknown:
            self.fail("unknown", labels=", ".join(unknown))
        return {"controls": list(dict.fromkeys(found[label] for label in data))}


class AcceptanceSerializer(serializers.Serializer):
    accepted_by = serializers.CharField(source="accepted_by.username", allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    justification = serializers.CharField(source="acceptance_justification")
    score = serializers.IntegerField(source="accepted_score", allow_null=True)
    level = serializers.CharField(source="accepted_level")
    above_appetite = serializers.BooleanField(source="accepted_above_appetite")


class TreatmentActionSerializer(serializers.ModelSerializer):
    risk = OrganizationRecordField(model=Risk, write_once=True, help_text="Id of the risk.")
    owner = MemberField(help_text="Username or email of the member who carries it out.")
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = TreatmentAction
        fields = [
            "id",
            "risk",
            "description",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "completed_on",
            "completion_note",
            "is_overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "completed_on", "created_at", "updated_at"]


class ActionBriefSerializer(TreatmentActionSerializer):
    class Meta(TreatmentActionSerializer.Meta):
        fields = [f for f in TreatmentActionSerializer.Meta.fields if f != "risk"]


class RiskSerializer(OwnerDefaultMixin, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True, help_text="R-001, R-002… per organization.")
    owner = MemberField(required=False, help_text="Username or email of the risk owner; you when left out.")
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    assets = OrganizationRecordField(
        model=Asset, many=True, required=False, help_text="Ids of the affected assets."
    )
    affected_assets = serializers.SerializerMethodField(help_text="The affected assets, briefly.")
    controls = ControlsField(
        required=False, help_text='Treatment controls, e.g. ["ISO27001:8.28", "ISO42001:A.6.2.8"].'
    )
    above_appetite = serializers.SerializerMethodField(
        help_text="Whether the current level is above the organization's risk appetite."
    )
    acceptance = serializers.SerializerMethodField(
        help_text="Who accepted the risk, when, why; null if not accepted."
    )
    actions = ActionBriefSerializer(many=True, read_only=True, help_text="The treatment plan's actions.")
    status = serializers.ChoiceField(
        choices=RiskStatus.choices,
        required=False,
        help_text="`accepted` comes only from `POST …/accept/`.",
    )
    residual_level = BlankAsNullChoiceField(
        choices=Level.choices, help_text="The level after treatment; null until it is assessed."
    )

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "threat",
            "vulnerability",
            "affects_confidentiality",
            "affects_integrity",
            "affects_availability",
            "ai_harm_area",
            "owner",
            "owner_name",
            "assets",
            "affected_assets",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "inherent_level",
            "treatment",
            "controls",
            "treatment_plan",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_level",
            "residual_rationale",
            "score",
            "level",
            "above_appetite",
            "status",
            "next_review_date",
            "last_reviewed_on",
            "acceptance",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "inherent_score",
            "inherent_level",
            "residual_score",
            "residual_level",
            "score",
            "level",
            "last_reviewed_on",
            "created_at",
            "updated_at",
        ]
        # The services check the category rules, the scales and the members, for every entry point alike.
        validators = []
        extra_kwargs = {"next_review_date": {"required": False, "allow_null": True}}

    def to_representation(self, risk):
        """The risk as ``ModelSerializer`` would answer it, built directly: a list page
        spent most of its time walking ~40 field objects and a nested serializer per
        action, per row. ``tests/risks/test_api_fast_rows.py`` holds it equal."""
        owner = risk.owner
        row = {"id": risk.pk, "reference": risk.reference}
        for name in _RISK_PLAIN_BEFORE_OWNER:
            row[name] = getattr(risk, name)
        row["owner"] = owner.username if owner is not None else None
        row["owner_name"] = owner.display_name if owner is not None else None
        # From the links the briefs read anyway (one prefetch, not two), in ``risk.assets``' order.
        linked = sorted((link.asset for link in risk.asset_links.all()), key=lambda a: (a.name, a.pk))
        row["assets"] = [asset.pk for asset in linked]
        row["affected_assets"] = self.get_affected_assets(risk)
        for name in _RISK_RATINGS:
            row[name] = getattr(risk, name)
        row["controls"] = [selectors.control_label(link.control) for link in risk.control_links.all()]
        for name in _RISK_PLAIN_AFTER_CONTROLS:
            row[name] = getattr(risk, name)
        row["residual_level"] = risk.residual_level or None  # as BlankAsNullChoiceField answers it
        row["above_appetite"] = self.get_above_appetite(risk)
        row["status"] = risk.status
        row["next_review_date"] = _date(risk.next_review_date)
        row["last_reviewed_on"] = _date(risk.last_reviewed_on)
        row["acceptance"] = self.get_acceptance(risk)
        row["actions"] = [_action_brief(action) for action in risk.actions.all()]
        row["created_at"] = _DATETIME.to_representation(risk.created_at)
        row["updated_at"] = _DATETIME.to_representation(risk.updated_at)
        return row

    @extend_schema_field(AssetBriefSerializer(many=True))
    def get_affected_assets(self, risk):
        return [_asset_brief(link.asset) for link in risk.asset_links.all()]

    def get_above_appetite(self, risk) -> bool:
        methodology = self.context.get("methodology")
        if methodology is None:
            methodology = self.context["methodology"] = selectors.methodology_for(risk.organization)
        return methodology.is_above_appetite(risk.level)

    @extend_schema_field(AcceptanceSerializer(allow_null=True))
    def get_acceptance(self, risk):
        return AcceptanceSerializer(risk).data if risk.is_accepted else None


_DATETIME = serializers.DateTimeField()
_RISK_PLAIN_BEFORE_OWNER = (
    "title",
    "description",
    "category",
    "threat",
    "vulnerability",
    "affects_confidentiality",
    "affects_integrity",
    "affects_availability",
    "ai_harm_area",
)
_RISK_RATINGS = ("inherent_likelihood", "inherent_impact", "inherent_score", "inherent_level", "treatment")
_RISK_PLAIN_AFTER_CONTROLS = (
    "treatment_plan",
    "residual_likelihood",
    "residual_impact",
    "residual_score",
    "residual_level",
    "residual_rationale",
    "score",
    "level",
)


def _date(value):
    return value.isoformat() if value is not None else None


def _asset_brief(asset) -> dict:
    return {"id": asset.pk, "identifier": asset.identifier, "name": asset.name, "kind": asset.kind}


def _action_brief(action) -> dict:
    """``ActionBriefSerializer(action).data``, built directly."""
    owner = action.owner
    return {
        "id": action.pk,
        "description": action.description,
        "owner": owner.username if owner is not None else None,
        "owner_name": owner.display_name if owner is not None else None,
        "due_date": _date(action.due_date),
        "status": action.status,
        "completed_on": _date(action.completed_on),
        "completion_note": action.completion_note,
        "is_overdue": action.is_overdue,
        "created_at": _DATETIME.to_representation(action.created_at),
        "updated_at": _DATETIME.to_representation(action.updated_at),
    }


#: The columns a risk list reads (``RiskViewSet.list``, ``core.api.lists``).
RISK_LIST_VALUES = (
    "id",
    "number",
    *_RISK_PLAIN_BEFORE_OWNER,
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    *_RISK_RATINGS,
    *_RISK_PLAIN_AFTER_CONTROLS,
    "status",
    "next_review_date",
    "last_reviewed_on",
    "accepted_at",
    "accepted_by__username",
    "acceptance_justification",
    "accepted_score",
    "accepted_level",
    "accepted_above_appetite",
    "created_at",
    "updated_at",
)


def risk_list_linked() -> dict:
    """The page's JSON columns: built once, so that their SQL is compiled once (``CompiledOnce``)."""
    return dict(_risk_list_linked())


@functools.cache
def _risk_list_linked() -> dict:
    """Each risk's assets, controls and treatment actions as JSON arrays built in the page's
    query, with what they are sorted by, and the organization's risk appetite (for
    ``above_appetite``; one lookup per row of the page where a query of its own cost more)."""
    appetite = RiskMethodology.objects.filter(organization_id=OuterRef("organization_id")).values(
        "risk_appetite"
    )[:1]
    return {
        "risk_appetite": CompiledOnce(Subquery(appetite)),
        "linked_assets": linked_rows(
            RiskAsset.objects.all(),
            link="risk",
            id="asset__id",
            identifier="asset__identifier",
            name="asset__name",
            kind="asset__kind",
        ),
        "linked_controls": linked_rows(
            RiskControl.objects.all(),
            link="risk",
            reference="control__reference",
            framework="control__framework__code",
            framework_order="control__framework__order",
            order="control__order",
        ),
        "linked_actions": linked_rows(
            TreatmentAction.objects.all(),
            link="risk",
            id="id",
            description="description",
            owner="owner__username",
            owner_first_name="owner__first_name",
            owner_last_name="owner__last_name",
            due_date="due_date",
            status="status",
            completed_on="completed_on",
            completion_note="completion_note",
            created_at="created_at",
            updated_at="updated_at",
        ),
    }


_BRIEF_KEYS = ("id", "identifier", "name", "kind")


def risk_list_rows(values: list[dict]) -> list[dict]:
    """``RiskSerializer(risk).data`` for each ``.values()`` dict of ``RISK_LIST_VALUES`` and
    ``risk_list_linked()``, whose links came in the page's own query.
    ``tests/risks/test_api_list_rows.py`` holds it equal to the serializer, item by item."""
    when, today = DateTimeText(), timezone.localdate()
    rows = []
    for value in values:
        pk = value["id"]
        row = {"id": pk, "reference": risk_reference(value["number"])}
        for name in _RISK_PLAIN_BEFORE_OWNER:
            row[name] = value[name]
        row["owner"] = value["owner__username"]
        row["owner_name"] = person_name(
            value["owner__first_name"], value["owner__last_name"], value["owner__username"]
        )
        affected = sorted(value["linked_assets"] or (), key=lambda b: (b["identifier"], b["name"], b["id"]))
        row["assets"] = [brief["id"] for brief in sorted(affected, key=lambda b: (b["name"], b["id"]))]
        row["affected_assets"] = [{key: brief[key] for key in _BRIEF_KEYS} for brief in affected]
        for name in _RISK_RATINGS:
            row[name] = value[name]
        chosen = sorted(value["linked_controls"] or (), key=lambda c: (c["framework_order"], c["order"]))
        row["controls"] = [
            selectors.control_label_of(framework_code=link["framework"], reference=link["reference"])
            for link in chosen
        ]
        for name in _RISK_PLAIN_AFTER_CONTROLS:
            row[name] = value[name]
        row["residual_level"] = value["residual_level"] or None
        row["above_appetite"] = is_above_appetite(value["level"], value["risk_appetite"])
        row["status"] = value["status"]
        row["next_review_date"] = date_text(value["next_review_date"])
        row["last_reviewed_on"] = date_text(value["last_reviewed_on"])
        row["acceptance"] = (
            {
                "accepted_by": value["accepted_by__username"],
                "accepted_at": when(value["accepted_at"]),
                "justification": value["acceptance_justification"],
                "score": value["accepted_score"],
                "level": value["accepted_level"],
                "above_appetite": value["accepted_above_appetite"],
            }
            if value["accepted_at"] is not None
            else None
        )
        row["actions"] = [
            _action_row(action, when, today)
            for action in sorted(value["linked_actions"] or (), key=lambda a: (a["due_date"], a["id"]))
        ]
        row["created_at"] = when(value["created_at"])
        row["updated_at"] = when(value["updated_at"])
        rows.append(row)
    return rows


def _action_row(action: dict, when: DateTimeText, today: datetime.date) -> dict:
    """A treatment action of ``linked_actions`` as ``TreatmentActionSerializer`` answers it
    (dates come as ISO text in the JSON, datetimes as the database writes them)."""
    due = datetime.date.fromisoformat(action["due_date"])
    return {
        "id": action["id"],
        "description": action["description"],
        "owner": action["owner"],
        "owner_name": person_name(action["owner_first_name"], action["owner_last_name"], action["owner"]),
        "due_date": due.isoformat(),
        "status": action["status"],
        "completed_on": _date_of(action["completed_on"]),
        "completion_note": action["completion_note"],
        "is_overdue": action["status"] in PENDING_ACTION_STATUSES and due < today,
        "created_at": when(moment(action["created_at"])),
        "updated_at": when(moment(action["updated_at"])),
    }


def _date_of(text: str | None) -> str | None:
    return datetime.date.fromisoformat(text).isoformat() if text else None


class AcceptRequestSerializer(serializers.Serializer):
    justification = serializers.CharField(
        help_text=(
            f"Why the risk is retained; at least {ABOVE_APPETITE_JUSTIFICATION_MIN} characters "
            "when it is above the risk appetite."
        )
    )


class WithdrawRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=80)


class ReviewRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=80)


class RiskBandSerializer(serializers.Serializer):
    """One level of the methodology and the scores (likelihood times impact) it covers."""

    level = serializers.ChoiceField(choices=Level.choices)
    label = serializers.CharField()
    to = serializers.IntegerField(help_text="The highest score of the band.")

    def get_fields(self):
        # ``from`` is a Python keyword: declared here, not as a class attribute.
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(help_text="The lowest score of the band.")
        return fields


class RiskMethodologySerializer(serializers.ModelSerializer):
    likelihood_labels = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=3, max_length=7, help_text="Lowest first."
    )
    impact_labels = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=3, max_length=7, help_text="Lowest first."
    )
    bands = serializers.SerializerMethodField(help_text="Each level with the scores it covers.")

    class Meta:
        model = RiskMethodology
        fields = [
            "likelihood_labels",
            "impact_labels",
            "medium_from",
            "high_from",
            "critical_from",
            "bands",
            "risk_appetite",
            "review_interval_days",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []

    @extend_schema_field(RiskBandSerializer(many=True))
    def get_bands(self, methodology):
        return [{"level": b.level, "label": b.label, "from": b.low, "to": b.high} for b in methodology.bands]


# --- Impact assessments --------------------------------------------------------------------


class RiskBriefSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Risk
        fields = ["id", "reference", "title", "level", "status"]


class ImpactItemSerializer(serializers.ModelSerializer):
    assessment = OrganizationRecordField(
        model=ImpactAssessment, write_once=True, help_text="Id of the assessment (a draft)."
    )
    risk = RiskBriefSerializer(
        read_only=True, allow_null=True, help_text="The register risk it raised, if any."
    )

    class Meta:
        model = ImpactItem
        fields = [
            "id",
            "assessment",
            "area",
            "affected_party",
            "affected_detail",
            "description",
            "severity",
            "likelihood",
            "mitigation",
            "risk",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ImpactItemBriefSerializer(ImpactItemSerializer):
    class Meta(ImpactItemSerializer.Meta):
        fields = [f for f in ImpactItemSerializer.Meta.fields if f != "assessment"]


class ReviewerSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.display_name")

    class Meta:
        model = ImpactReviewer
        fields = ["username", "name", "reviewed_at", "comment"]


class ImpactAssessmentSerializer(OwnerDefaultMixin, serializers.ModelSerializer):
    ai_system = OrganizationRecordField(
        model=Asset,
        narrow=lambda assets: assets.filter(kind=AssetKind.AI_SYSTEM),
        write_once=True,
        help_text="Id of the AI system (an asset of kind ai_system).",
    )
    ai_system_detail = AssetBriefSerializer(source="ai_system", read_only=True)
    owner = MemberField(required=False, help_text="Username or email of the lead; you when left out.")
    reviewers = ReviewerSerializer(source="reviewer_links", many=True, read_only=True)
    signed_off_by = serializers.CharField(source="signed_off_by.username", read_only=True, allow_null=True)
    items = ImpactItemBriefSerializer(many=True, read_only=True)

    class Meta:
        model = ImpactAssessment
        fields = [
            "id",
            "ai_system",
            "ai_system_detail",
            "version",
            "previous",
            "status",
            "owner",
            "scope",
            "summary",
            "reviewers",
            "signed_off_by",
            "signed_off_at",
            "sign_off_note",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "version",
            "previous",
            "status",
            "signed_off_at",
            "sign_off_note",
            "created_at",
            "updated_at",
        ]
        validators = []


class SignOffRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ReviewersRequestSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=MemberField(), help_text="Usernames or emails of the members who review this version."
    )


class ReviewRecordRequestSerializer(serializers.Serializer):
    comment = serializers.CharField()
