"""The API's shapes of the audit programme (field names as issue 10 fixes them).

Serializers validate and translate; every write goes through ``audits.services``.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset
from controls.models import ControlGroup
from core.api.fields import BlankAsNullChoiceField
from core.registers.serializers import MemberField, OrganizationRecordField
from soa.models import SoAVersion

from .models import (
    ActionStatus,
    Audit,
    ChecklistItem,
    CorrectiveAction,
    EvidenceFile,
    Finding,
    ManagementReview,
    Result,
    Severity,
    Verification,
)


class CatalogueItemSerializer(serializers.Serializer):
    """A clause or control as the checklist names it."""

    framework = serializers.CharField(source="framework.code")
    reference = serializers.CharField()
    title = serializers.CharField()


@extend_schema_field(OpenApiTypes.INT)
class SoAVersionNumberField(serializers.Field):
    """An approved SoA version of the organization, by its number."""

    default_error_messages = {"unknown": "The organization has no approved SoA version {value}."}

    def to_representation(self, version):
        return version.number

    def to_internal_value(self, data):
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("unknown", value=data)
        version = (
            SoAVersion.objects.for_organization(self.context["organization"]).filter(number=number).first()
        )
        if version is None:
            self.fail("unknown", value=number)
        return version


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class MemberListField(serializers.ListField):
    child = MemberField()

    def to_representation(self, data):
        return [user.username for user in data]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class ThemeListField(serializers.Field):
    """Themes or objectives as ``<framework>:<reference>``, e.g. ``iso27001-2022:5``."""

    default_error_messages = {
        "unknown": "No theme {value}; give them as framework:reference, e.g. iso27001-2022:5."
    }

    def to_representation(self, themes):
        return [f"{t.framework.code}:{t.reference}" for t in themes.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("unknown", value=data)
        themes = []
        for value in data:
            framework, _, reference = str(value).partition(":")
            theme = ControlGroup.objects.filter(framework__code=framework, reference=reference).first()
            if theme is None:
                self.fail("unknown", value=value)
            themes.append(theme)
        return themes


class AuditSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    frameworks = serializers.ListField(
        child=serializers.SlugField(), help_text='Framework codes, e.g. ["iso27001-2022", "iso42001-2023"].'
    )
    lead_auditor = MemberField(help_text="Username or email of the lead auditor.")
    team = MemberListField(
        source="team_users", required=False, help_text="Usernames or emails of the team (auditors included)."
    )
    themes = ThemeListField(required=False, help_text="Themes or objectives the audit is limited to.")
    assets = OrganizationRecordField(
        model=Asset, many=True, required=False, help_text="Ids of assets in scope."
    )
    soa_version = SoAVersionNumberField(
        required=False,
        allow_null=True,
        help_text="The SoA version number audited; fixed when the audit starts.",
    )
    item_count = serializers.IntegerField(read_only=True)
    recorded_count = serializers.IntegerField(read_only=True, help_text="Items with a result.")
    finding_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "reference",
            "title",
            "type",
            "frameworks",
            "themes",
            "assets",
            "objectives",
            "criteria",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "lead_auditor",
            "team",
            "soa_version",
            "status",
            "item_count",
            "recorded_count",
            "finding_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "actual_start", "actual_end", "created_at", "updated_at"]

    def to_representation(self, audit):
        audit.team_users = [m.user for m in audit.team_members.all()]
        return super().to_representation(audit)


class StartRequestSerializer(serializers.Serializer):
    soa_version = SoAVersionNumberField(
        required=False,
        help_text="The version to audit; the one chosen when planning, else the latest approved.",
    )


class BlockedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    blockers = serializers.ListField(child=serializers.CharField())


class EvidenceFileSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_by", "created_at"]


class ChecklistItemSerializer(serializers.ModelSerializer):
    audit = serializers.IntegerField(source="audit_id", read_only=True)
    clause = CatalogueItemSerializer(read_only=True, allow_null=True)
    counterpart_clause = CatalogueItemSerializer(
        read_only=True, allow_null=True, help_text="The other standard's clause this one item also checks."
    )
    control = CatalogueItemSerializer(read_only=True, allow_null=True)
    result = serializers.ChoiceField(choices=Result.choices, allow_blank=True, required=False)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)
    evidence_files = EvidenceFileSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "audit",
            "position",
            "frameworks",
            "clause",
            "counterpart_clause",
            "control",
            "result",
            "notes",
            "evidence",
            "evidence_files",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["position", "frameworks", "recorded_at"]


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class FindingSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    audit = serializers.IntegerField(source="audit_id", read_only=True)
    checklist_item = OrganizationRecordField(
        model=ChecklistItem, write_once=True, help_text="Id of the item."
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        help_text="The item's result when left out; never below a nonconformity when the item is one.",
    )
    subject = serializers.SerializerMethodField()
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "reference",
            "audit",
            "checklist_item",
            "subject",
            "frameworks",
            "severity",
            "description",
            "status",
            "closed_at",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["frameworks", "status", "closed_at", "created_at", "updated_at"]

    @extend_schema_field(CatalogueItemSerializer)
    def get_subject(self, finding) -> dict:
        """The clause or control of the item."""
        return CatalogueItemSerializer(finding.checklist_item.subject).data


class CorrectiveActionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    finding = OrganizationRecordField(
        model=Finding, write_once=True, required=False, allow_null=True, help_text="Id of the finding."
    )
    review = OrganizationRecordField(
        model=ManagementReview,
        write_once=True,
        required=False,
        allow_null=True,
        help_text="Id of the management review that decided it (instead of a finding).",
    )
    owner = MemberField(help_text="Username or email of the member who carries it out.")
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    verified_by = serializers.CharField(source="verified_by.username", read_only=True, allow_null=True)
    verification_result = BlankAsNullChoiceField(
        choices=Verification.choices, help_text="The verifier's verdict; null until verified."
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "reference",
            "finding",
            "review",
            "root_cause",
            "action",
            "owner",
            "due_date",
            "status",
            "completed_at",
            "overdue",
            "verification_result",
            "verification_notes",
            "verified_by",
            "verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "completed_at",
            "verification_result",
            "verification_notes",
            "verified_at",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, action) -> bool:
        return (
            action.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
            and action.due_date < timezone.localdate()
        )


class VerifyRequestSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=Verification.choices)
    notes = serializers.CharField(required=False, allow_blank=True, help_text="Required when not effective.")


class ManagementReviewSerializer(serializers.ModelSerializer):
    attendees = serializers.ListField(child=serializers.CharField(), required=False)
    inputs = serializers.JSONField(
        read_only=True,
        help_text="The 9.3.2 inputs as of the date: actions, audits, nonconformities, risks, SoA.",
    )
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ManagementReview
        fields = [
            "id",
            "number",
            "date",
            "attendees",
            "inputs",
            "inputs_taken_at",
            "inputs_comments",
            "changes_in_context",
            "opportunities",
            "decisions",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "inputs_taken_at", "created_at", "updated_at"]
