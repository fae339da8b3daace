from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..deletion import DeletionRefused
from ..freezing import RecordFrozen


def exception_handler(exc, context):
    """DRF's handler, plus:

    - ``RecordFrozen`` (a change to a frozen record) is a 400 with its message in ``detail``;
    - ``DeletionRefused`` is a 409 naming, in ``blocking``, the records that refuse the delete;
    - any other Django ``ValidationError`` raised by a service becomes a 400 with one
      message list per field, like a serializer error.
    """
    if isinstance(exc, DeletionRefused):
        return Response(
            {
                "detail": exc.impact.refusal(),
                "blocking": [
                    {"kind": entry.kind, "label": entry.label, "reason": entry.blocking}
                    for entry in exc.impact.blockers
                ],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, RecordFrozen):
        return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
