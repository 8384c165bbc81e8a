"""Request-wide concerns: a size limit on bodies and one structured log line per request."""

import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.deprecation import MiddlewareMixin

from .errors import error_response

request_log = logging.getLogger("ic.request")

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def too_large():
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return error_response(
        413, "request_too_large", f"The request body is larger than the {limit_kb} KB allowed."
    )


class BodySizeLimitMiddleware(MiddlewareMixin):
    """413 for bodies over DATA_UPLOAD_MAX_MEMORY_SIZE, declared or chunked."""

    def process_request(self, request):
        if request.method not in BODY_METHODS:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        declared = request.META.get("CONTENT_LENGTH")
        try:
            if declared and int(declared) > limit:
                return too_large()
        except ValueError:
            return error_response(400, "bad_request", "The Content-Length header is not a number.")
        if not declared:
            # A chunked body has no declared length: reading it applies Django's own limit.
            try:
                request.body  # noqa: B018
            except RequestDataTooBig:
                return too_large()
        return None


class RequestLogMiddleware(MiddlewareMixin):
    """One JSON line per request: method, path, status, duration. Never the body or query."""

    def process_request(self, request):
        request._ic_started = time.monotonic()

    def process_response(self, request, response):
        started = getattr(request, "_ic_started", None)
        duration_ms = round((time.monotonic() - started) * 1000, 1) if started else None
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "client": request.META.get("REMOTE_ADDR"),
            },
        )
        return response
