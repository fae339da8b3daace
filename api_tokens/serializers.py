from rest_framework import serializers

from organizations.models import Organization

from .models import ApiToken, TokenStatus


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: never the secret."""

    organization = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The one organization the token opens; null: every organization of its user.",
    )
    status = serializers.ChoiceField(choices=TokenStatus.choices, read_only=True)
    prefix = serializers.CharField(
        source="key_prefix", read_only=True, help_text="The secret's first characters."
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "read_only",
            "organization",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The secret, shown this once: send it as `Authorization: Token <secret>`."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    read_only = serializers.BooleanField(default=False)
    organization = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of one organization you are a member of; omit for all of yours.",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

    def to_internal_value(self, data):
        # An unknown slug and an organization the user is not a member of read the same.
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict) and "organization" in exc.detail:
                exc.detail["organization"] = ["You are not a member of this organization."]
            raise


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, help_text="What the token is for; “API token” when omitted."
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class TokenObtainedSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="The secret, shown this once: send it as `Authorization: Token <secret>`."
    )
    id = serializers.IntegerField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
