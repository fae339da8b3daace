"""``/api/v1/auth/token/`` (a token for a username and password) and ``/api/v1/tokens/``
(the tokens of the authenticated user: list, create, revoke)."""

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.sign_in import LOCKED_MESSAGE, SignInThrottle, is_locked, too_many_message
from core.api.schema import ErrorSerializer

from . import selectors, services
from .models import ApiToken
from .serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    TokenObtainedSerializer,
    TokenObtainSerializer,
)


def _field_errors(name: str, fields: list[str]):
    return inline_serializer(
        name,
        {field: serializers.ListField(child=serializers.CharField(), required=False) for field in fields},
    )


UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="No credentials, or a token that is unknown, revoked or expired."
)
READ_ONLY_TOKEN = OpenApiResponse(ErrorSerializer, description="A read-only token cannot change anything.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such token among yours.")


class TokenObtainView(APIView):
    """Exchange a username and password for a new API token (shown once).

    Each call issues a new token, listed with the others at ``/api/v1/tokens/``
    and in the browser under "API tokens". Throttled per account and per client
    (429), and an account locked by wrong passwords is refused (403).
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInThrottle]

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=too_many_message(wait or 0))

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenObtainSerializer,
        responses={
            200: TokenObtainedSerializer,
            400: OpenApiResponse(
                _field_errors(
                    "TokenObtainError", ["username", "password", "name", "expires_at", "non_field_errors"]
                ),
                description="A field is missing or wrong, or the username and password do not match.",
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="The account is locked after repeated wrong passwords."
            ),
            429: OpenApiResponse(
                ErrorSerializer, description="Too many attempts for this account or client."
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        if is_locked(username):
            raise exceptions.PermissionDenied(LOCKED_MESSAGE)
        user = authenticate(
            request=request._request, username=username, password=serializer.validated_data["password"]
        )
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": ["Unable to sign in with this username and password."]}
            )
        try:
            issued = services.api_token_create(
                user=user,
                name=serializer.validated_data.get("name") or "API token",
                expires_at=serializer.validated_data.get("expires_at"),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response(
            {
                "token": issued.secret,
                "id": issued.token.pk,
                "name": issued.token.name,
                "expires_at": serializers.DateTimeField().to_representation(issued.token.expires_at)
                if issued.token.expires_at
                else None,
            }
        )


@extend_schema_view(
    list=extend_schema(responses={200: ApiTokenSerializer(many=True), 401: UNAUTHENTICATED}),
    retrieve=extend_schema(responses={200: ApiTokenSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND}),
)
@extend_schema(tags=["tokens"])
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your API tokens: their names, scopes, last use and state — never their secrets.

    A request made with a token limited to one organization sees, and may create
    and revoke, only the tokens limited to that organization; a read-only token
    may only read.
    """

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["read_only"]
    search_fields = ["name"]
    ordering_fields = ["created_at", "last_used_at", "name"]
    ordering = ["-created_at", "-id"]
    queryset = ApiToken.objects.none()

    def _requesting_token(self):
        return self.request.auth if isinstance(self.request.auth, ApiToken) else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return selectors.api_tokens_of(self.request.user, within=self._requesting_token())

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenCreatedSerializer,
            400: OpenApiResponse(
                _field_errors("ApiTokenCreateError", ["name", "read_only", "organization", "expires_at"]),
                description="A field is missing or wrong.",
            ),
            401: UNAUTHENTICATED,
            403: READ_ONLY_TOKEN,
        },
    )
    def create(self, request, *args, **kwargs):
        """Create a token; the answer holds its secret, which is shown this once and never again."""
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        organization = values.get("organization")
        within = self._requesting_token()
        if within is not None and within.organization_id is not None:
            # A token limited to an organization creates only tokens limited to it.
            if organization is not None and organization.pk != within.organization_id:
                raise exceptions.ValidationError(
                    {"organization": ["You are not a member of this organization."]}
                )
            organization = within.organization
        try:
            issued = services.api_token_create(
                user=request.user,
                name=values["name"],
                read_only=values["read_only"],
                organization=organization,
                expires_at=values.get("expires_at"),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        data = ApiTokenCreatedSerializer(issued.token).data
        data["token"] = issued.secret
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: ApiTokenSerializer, 401: UNAUTHENTICATED, 403: READ_ONLY_TOKEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        """Revoke the token: it stops working on its next request. Revoking it again changes nothing."""
        token = services.api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(ApiTokenSerializer(token).data)
