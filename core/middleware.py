import contextvars
import logging
import re
import time
import uuid

logger = logging.getLogger("grc_portal.request")

REQUEST_ID_HEADER = "X-Request-ID"
#: An id a proxy or a client may hand us: short, and nothing a log reader could be fooled by.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being answered (``-`` outside a request)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Every request has an id: the ``X-Request-ID`` it came with if that is
    sane (a proxy's), else a new one. The answer carries it in the same header,
    every log line written meanwhile carries it (``RequestIdLogFilter``), and so
    does the JSON of an API 500, so that a user's report finds its log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Puts ``request_id`` on every log record (the handlers' formats show it)."""

    def filter(self, record):
        # Django logs a 4xx/5xx answer after the middleware has returned; its record names the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        if request.path != "/healthz":
            user = getattr(request, "user", None)
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "organization": getattr(getattr(request, "organization", None), "slug", None),
                },
            )
        return response


error_logger = logging.getLogger("django.request")


class ErrorPagesMiddleware:
    """The portal's own error answers, whatever ``DEBUG`` says.

    - Under ``/api/`` an unexpected exception answers JSON (``{"detail": …,
      "request_id": …}``, 500), and so does an address that matches no endpoint (404), never an
      HTML page: integrations parse what they get.
    - Elsewhere, with ``DEBUG`` on (the embedded default), a missing page,
      a refusal or a crash shows the portal's 404/403/500 pages instead of
      Django's technical pages, which show settings and code to whoever is at
      the browser. ``TECHNICAL_ERROR_PAGES=true`` brings those back for
      debugging. With ``DEBUG`` off Django renders the same templates itself.

    The traceback of a 500 is logged either way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.urls import Resolver404, resolve

        # An address that matches no view never reaches ``process_exception``.
        is_api = request.path.startswith("/api/")
        if is_api or (settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES):
            try:
                resolve(request.path_info)
            except Resolver404:
                if is_api:
                    return JsonResponse({"detail": "No such endpoint."}, status=404)
                return render(request, "404.html", status=404)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.conf import settings
        from django.core.exceptions import PermissionDenied
        from django.http import Http404, JsonResponse
        from django.shortcuts import render

        if request.path.startswith("/api/"):
            if isinstance(exception, Http404 | PermissionDenied):
                return None  # DRF answers these itself; outside a DRF view Django's handlers do
            error_logger.error(
                "Internal Server Error: %s", request.path, exc_info=exception, extra={"status_code": 500}
            )
            detail = "The server failed to answer this request; the error is logged. Try again later."
            request_id = getattr(request, "request_id", current_request_id())
            response = JsonResponse({"detail": detail, "request_id": request_id}, status=500)
            response._has_been_logged = True  # logged above, with the traceback; Django need not again
            return response
        if not settings.DEBUG or settings.TECHNICAL_ERROR_PAGES:
            return None
        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"exception": exception}, status=403)
        error_logger.error(
            "Internal Server Error: %s", request.path, exc_info=exception, extra={"status_code": 500}
        )
        return render(request, "500.html", status=500)
