"""The SoA's API shapes. Rows come from ``selectors.entries_for`` (annotated and
prefetched), so serializing a page of rows costs no query per row."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from assets.serializers import MemberField
from core.api.schema import FieldErrorsSerializer
from core.api.viewsets import FieldChangesSerializer

from . import selectors
from .checks import CHECKS
from .models import ImplementationStatus, ReasonKind, SoAEntry, SoAVersion
from .versions import ROW_FIELDS, row_payload


class SoAControlSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.CharField(source="framework.code", help_text="iso27001-2022 or iso42001-2023.")
    reference = serializers.CharField()
    title = serializers.CharField()
    theme = serializers.CharField(source="group.reference", help_text="Theme or objective reference.")
    theme_title = serializers.CharField(source="group.title")


class ReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ReasonKind.choices,
        help_text="legal_regulatory, contractual or business_good_practice; risk_treatment is read-only, "
        "derived from the risk register.",
    )
    note = serializers.CharField(max_length=500, help_text="Why, in a line.")
    risk_count = serializers.IntegerField(
        read_only=True, help_text="For risk_treatment: the open risks treated with the control; else 0."
    )
    risks_url = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="For risk_treatment: the risk list endpoint filtered to those risks; else null.",
    )


def _risks_url(organization, reason: dict, request) -> str | None:
    if not reason["risk_count"]:
        return None
    url = reverse("api:risk-list", kwargs={"organization_slug": organization.slug}, request=request)
    return f"{url}?{reason['risks_query']}"


@extend_schema_field(ReasonSerializer(many=True))
class ReasonsField(serializers.Field):
    """A row's reasons: read as the recorded ones plus the derived risk_treatment,
    written as a list of ``{kind, note}`` that the service checks (it refuses
    risk_treatment, saying where that reason comes from)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, entry):
        request = self.context.get("request")
        organization = self.context.get("organization") or entry.organization
        return [
            {
                "kind": r["kind"],
                "note": r["note"],
                "risk_count": r["risk_count"],
                "risks_url": _risks_url(organization, r, request),
            }
            for r in selectors.reasons_of(entry)
        ]

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError('Give a list of {"kind": …, "note": …}.')
        return {"reasons": data}


class ProblemSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[(c.code, c.title) for c in CHECKS])
    title = serializers.CharField()
    message = serializers.CharField()


class SoAEntrySerializer(serializers.ModelSerializer):
    """One row of the Statement of Applicability."""

    control = SoAControlSerializer(read_only=True)
    applicable = serializers.BooleanField(
        allow_null=True, required=False, help_text="true, false, or null while undecided."
    )
    reasons = ReasonsField(
        required=False,
        help_text="Reasons for inclusion. Writing replaces the recorded ones (legal_regulatory, "
        "contractual, business_good_practice); risk_treatment is read-only and refused on write.",
    )
    status = serializers.ChoiceField(choices=ImplementationStatus.choices, required=False)
    owner = MemberField(
        allow_null=True,
        required=False,
        help_text="Username or email of the member accountable; null for none.",
    )
    owner_name = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField(help_text="The consistency checks this row fails.")

    class Meta:
        model = SoAEntry
        fields = [
            "id",
            "control",
            "applicable",
            "reasons",
            "exclusion_justification",
            "status",
            "target_date",
            "owner",
            "owner_name",
            "implementation_notes",
            "evidence_location",
            "problems",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_owner_name(self, entry) -> str | None:
        return entry.owner.display_name if entry.owner else None

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, entry):
        return [p.__dict__ for p in selectors.entry_problems(entry)]


class SoABulkRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the SoA row.")
    applicable = serializers.BooleanField(allow_null=True, required=False)
    reasons = ReasonsField(required=False, help_text="Replaces the recorded reasons, as on PATCH.")
    exclusion_justification = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ImplementationStatus.choices, required=False)
    target_date = serializers.DateField(allow_null=True, required=False)
    owner = MemberField(allow_null=True, required=False)
    implementation_notes = serializers.CharField(required=False, allow_blank=True)
    evidence_location = serializers.CharField(required=False, allow_blank=True)


class SoABulkUpdateRequestSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="Each row's id and the fields to set, as on PATCH …/soa/{id}/. All or nothing.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Why, for the history.")


class SoABulkUpdateSchemaSerializer(serializers.Serializer):
    """The documented shape of a bulk update (rows are checked one by one, so that
    errors come back under each row's id)."""

    rows = SoABulkRowSerializer(many=True, help_text="Each row's id and the fields to set. All or nothing.")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Why, for the history.")


class SoABulkErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=FieldErrorsSerializer(),
        help_text="Per failing row id (or position, for a row without a valid id): its errors per field; "
        "under `request`, the errors of the request as a whole (e.g. no rows).",
    )


class ApplyToMappedRequestSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        default=False, help_text="Only say what would change, for the confirmation; write nothing."
    )


class MappedChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry.id")
    control = SoAControlSerializer(source="entry.control")
    relation = serializers.CharField(help_text="equivalent, partial or related.")
    changes = FieldChangesSerializer


class ApplyToMappedResponseSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    changed = MappedChangeSerializer(
        many=True, help_text="Exactly the counterpart rows that change, and how."
    )


class ProblemRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    control = SoAControlSerializer()


class ProblemGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    message = serializers.CharField()
    count = serializers.IntegerField()
    rows = ProblemRowSerializer(source="entries", many=True)


class ProblemsResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Rows with at least one problem.")
    checks = ProblemGroupSerializer(many=True)


# --- Versions ---------------------------------------------------------------------------------


class SoAVersionRowSerializer(serializers.Serializer):
    framework = serializers.CharField()
    reference = serializers.CharField()
    title = serializers.CharField()
    theme = serializers.CharField()
    applicable = serializers.BooleanField(allow_null=True)
    reasons = serializers.ListField(
        child=serializers.DictField(), help_text="[{kind, note, risks: [risk reference…]}] as approved."
    )
    exclusion_justification = serializers.CharField()
    status = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)
    owner_name = serializers.CharField()
    implementation_notes = serializers.CharField()
    evidence_location = serializers.CharField()

    def to_representation(self, row):
        payload = row_payload(row)
        return {name: payload[name] for name, _ in ROW_FIELDS}


class SoAVersionSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(source="approved_by.display_name", read_only=True)
    supersedes = serializers.IntegerField(source="supersedes.number", read_only=True, allow_null=True)
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = SoAVersion
        fields = [
            "number",
            "approved_by",
            "approved_at",
            "change_summary",
            "rows_sha256",
            "supersedes",
            "superseded_by",
        ]
        read_only_fields = fields

    def get_superseded_by(self, version) -> int | None:
        try:
            return version.superseded_by.number
        except SoAVersion.DoesNotExist:
            return None


class SoAVersionDetailSerializer(SoAVersionSerializer):
    rows = serializers.SerializerMethodField()

    class Meta(SoAVersionSerializer.Meta):
        fields = [*SoAVersionSerializer.Meta.fields, "rows"]
        read_only_fields = fields

    @extend_schema_field(SoAVersionRowSerializer(many=True))
    def get_rows(self, version):
        return SoAVersionRowSerializer(selectors.version_rows(version), many=True).data


class SoAVersionApproveRequestSerializer(serializers.Serializer):
    change_summary = serializers.CharField(
        help_text="What this version changes, for the document control block."
    )


class BlockingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.CharField()
    reference = serializers.CharField()
    title = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class ApprovalBlockedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    blocking_rows = BlockingRowSerializer(many=True)


class RowDiffSerializer(serializers.Serializer):
    framework = serializers.CharField()
    reference = serializers.CharField()
    title = serializers.CharField()
    change = serializers.ChoiceField(
        choices=[("changed", "changed"), ("added", "added"), ("removed", "removed")]
    )
    changes = FieldChangesSerializer


class VersionDiffSerializer(serializers.Serializer):
    older = serializers.IntegerField(source="older.number")
    newer = serializers.IntegerField(source="newer.number")
    changed_count = serializers.IntegerField()
    rows = RowDiffSerializer(many=True)


# --- Gap analysis -----------------------------------------------------------------------------


class GapBasisSerializer(serializers.Serializer):
    reference = serializers.CharField(source="control.reference")
    title = serializers.CharField(source="control.title")
    relation = serializers.CharField()
    applicable = serializers.BooleanField(allow_null=True)
    status = serializers.CharField()


class GapRowSerializer(serializers.Serializer):
    reference = serializers.CharField(source="control.reference")
    title = serializers.CharField(source="control.title")
    objective = serializers.CharField(source="control.group.reference")
    verdict = serializers.ChoiceField(choices=["covered", "partly_covered", "new_work"])
    ai_specific = serializers.BooleanField(help_text="No counterpart in ISO/IEC 27001.")
    applicable = serializers.BooleanField(source="entry.applicable", allow_null=True)
    status = serializers.CharField(source="entry.status")
    basis = GapBasisSerializer(many=True, help_text="The 27001 controls behind it and their decisions.")


class GapTotalSerializer(serializers.Serializer):
    verdict = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class GapAnalysisSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="How each verdict is reached.")
    total = serializers.IntegerField()
    totals = GapTotalSerializer(many=True)
    rows = GapRowSerializer(many=True)
