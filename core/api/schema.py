"""The error answers of every operation, documented once (decision 0017).

drf-spectacular documents only the answers a view declares; most declare their
2xx only, so the schema said nothing of the 400, 401, 403, 404 and 429 that
every endpoint can give. ``AutoSchema`` (``DEFAULT_SCHEMA_CLASS``) adds them
to every operation from what the view is:

- 400 (``FieldErrors``: a message list per field, ``detail`` for the request
  as a whole) on writes and deletes, and where the operation takes query
  parameters;
- 401 (``Error``) where the view authenticates (a bad token is refused even
  where no sign-in is needed);
- 403 (``Error``) on writes, and on reads that need more than ``VIEW``
  (``action_capabilities``);
- 404 (``Error``) where the path names an organization or a record, and on
  paginated lists (a page past the last);
- 429 (``Error``, with ``Retry-After``) where the view throttles.

An answer the view declares itself is kept as declared; one declared without
a body gets the shared shape of its code.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

from ..roles import Capability


class ErrorSerializer(serializers.Serializer):
    """The body of a 401, 403, 404, 409 or 429: one message."""

    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer):
    """The body of a 400 (see ``FieldErrorsExtension`` for its schema)."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    """``{"<field>": ["message", …], "non_field_errors": [...], "detail": "…"}``.

    A field of a nested object or list carries the nested errors in the same
    shape (an object, or a list with one entry per item)."""

    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        nested = {"type": "object", "additionalProperties": True}
        messages = {"type": "array", "items": {"anyOf": [{"type": "string"}, nested]}}
        return {
            "type": "object",
            "description": "What is wrong, per field. `detail` speaks of the request as a whole; "
            "`non_field_errors` of values that do not fit together.",
            "properties": {
                "detail": {"type": "string"},
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": {"anyOf": [messages, nested, {"type": "string"}]},
        }


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a message per field, or `detail` for the request as a whole "
    "(e.g. a change to a frozen record).",
    "401": "No credentials, or credentials that are invalid, expired or revoked.",
    "403": "Your role in this organization does not allow this.",
    "404": "No such organization for you, or no such record in it.",
    "429": "Too many requests; `Retry-After` says how many seconds to wait.",
}


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self) -> list[str]:
        view = self.view
        codes = []
        # ``?format=`` picks a renderer; an unknown one is a 404, not a 400.
        query = {p["name"] for p in self._get_parameters() if p["in"] == "query"} - {"format"}
        # A delete refused by a rule of the service (a frozen record, the last administrator) is a 400.
        if self.method in ("POST", "PUT", "PATCH", "DELETE") or query:
            codes.append("400")
        if getattr(view, "authentication_classes", ()):
            codes.append("401")
        required = getattr(view, "action_capabilities", {}).get(getattr(view, "action", None))
        needs_more_than_view = required is not None and required != Capability.VIEW
        if self.method not in permissions.SAFE_METHODS or needs_more_than_view:
            codes.append("403")
        if "{" in self.path or "page" in query:  # a page past the last one is a 404
            codes.append("404")
        if view.get_throttles():
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            serializer = FieldErrorsSerializer if code == "400" else ErrorSerializer
            documented = responses.get(code)
            if documented is None:
                answer = OpenApiResponse(serializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(answer, code, direction=direction)
            elif "content" not in documented:
                documented.update(
                    self._get_response_for_code(
                        OpenApiResponse(serializer, description=documented.get("description", "")),
                        code,
                        direction=direction,
                    )
                )
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers.setdefault(
                "Retry-After",
                {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."},
            )
        return headers
