"""API pieces of the registers: scoped related fields and the bulk error answer.

The serializer context carries ``organization`` (``OrganizationAPIMixin``
puts it there), and these fields accept only what belongs to it: another
organization's record is "not found", exactly as if it did not exist.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.fields import SkipField
from rest_framework.response import Response

from .members import members_by_handle


@extend_schema_field(OpenApiTypes.STR)
class MemberField(serializers.Field):
    """A member of the organization, written as a username or an email and read as the username."""

    default_error_messages = {
        "unknown": "No member of this organization has the username or email “{value}”.",
        "invalid": "Give a username or an email.",
    }

    def to_representation(self, user):
        return user.username if user is not None else None

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        # One lookup of the members per request, shared by every MemberField of it.
        members = self.context.get("members")
        if members is None:
            members = self.context["members"] = members_by_handle(self.context["organization"])
        user = members.get(data.strip().lower())
        if user is None:
            self.fail("unknown", value=data.strip())
        return user


class OwnerDefaultMixin:
    """For a record with an ``owner``: created without one, it is owned by whoever creates it."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and "owner" not in attrs:
            attrs["owner"] = self.context["request"].user
        return attrs


class OrganizationRecordField(serializers.PrimaryKeyRelatedField):
    """A record of the request's organization, by id.

    ``model`` is an organization-owned model (``Model.objects.for_organization``);
    ``narrow`` optionally narrows its records further (AI systems only…).
    With ``write_once``, the field is written when the record is created and
    ignored when it is changed (an action stays on its risk).
    """

    def __init__(self, *, model, narrow=None, write_once: bool = False, **kwargs):
        self.model = model
        self.narrow = narrow
        self.write_once = write_once
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model.objects.none()
        super().__init__(**kwargs)

    def get_queryset(self):
        organization = self.context.get("organization")
        if organization is None:
            return self.model.objects.none()
        queryset = self.model.objects.for_organization(organization)
        return self.narrow(queryset) if self.narrow is not None else queryset

    def run_validation(self, data=serializers.empty):
        instance = getattr(self.root, "instance", None)
        if self.write_once and instance is not None and not isinstance(instance, list | tuple):
            raise SkipField()
        return super().run_validation(data)


class BulkErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        allow_null=True, help_text="Position of the item in the request, from 0; null for the whole request."
    )
    field = serializers.CharField(
        help_text="The field, e.g. `kind` or `relations[0].target`; `item` for the whole item."
    )
    message = serializers.CharField()


class BulkErrorResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = BulkErrorSerializer(many=True)


def serializer_error_rows(index: int, errors, field: str = "") -> list[dict]:
    """A serializer's errors for one item as ``{index, field, message}`` rows
    (nested fields as ``relations[0].target``)."""
    if isinstance(errors, dict):
        found = []
        for name, value in errors.items():
            if isinstance(name, int) or str(name).isdigit():
                path = f"{field}[{name}]"
            elif name == "non_field_errors" and not field:
                path = "item"
            else:
                path = f"{field}.{name}" if field else name
            found += serializer_error_rows(index, value, path)
        return found
    if isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        return [{"index": index, "field": field or "item", "message": str(e)} for e in errors]
    if isinstance(errors, list):
        found = []
        for position, value in enumerate(errors):
            if value:
                found += serializer_error_rows(index, value, f"{field}[{position}]")
        return found
    return [{"index": index, "field": field or "item", "message": str(errors)}]


def bulk_error_response(errors: list[dict], total: int) -> Response:
    """The 400 of a bulk request: every problem, and how many of ``total`` items have one."""
    bad_items = len({e["index"] for e in errors if e["index"] is not None})
    detail = (
        f"{bad_items} of {total} items are invalid; nothing was created."
        if bad_items
        else "The request is invalid; nothing was created."
    )
    return Response({"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
