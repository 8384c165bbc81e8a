"""Every error leaves the API as {"error": "<code>", "detail": "<sentence>"} with its status.

The sentence is in the request's language (settings.LANGUAGES, from Accept-Language); the code
is the same in every language, for clients to branch on.
"""

import logging
import math
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext, ngettext
from rest_framework import exceptions, status
from rest_framework.views import APIView, exception_handler

log = logging.getLogger(__name__)

# DRF's exception classes and the code a client can branch on.
ERROR_CODES = {
    exceptions.ParseError: "malformed_json",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "too_many_attempts",
}


def error_response(status_code, code, detail, **headers):
    response = JsonResponse({"error": code, "detail": detail}, status=status_code)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def describe_validation_errors(errors, prefix=""):
    """Flatten DRF's nested error structure into 'field: message' sentences."""
    if isinstance(errors, dict):
        parts = []
        for field, value in errors.items():
            # A nested serializer's own errors are named after the field that holds it.
            name = prefix.rstrip(".") if field == "non_field_errors" else f"{prefix}{field}"
            parts.extend(describe_validation_errors(value, f"{name}." if name else ""))
        return parts
    if isinstance(errors, list):
        parts = []
        for item in errors:
            parts.extend(describe_validation_errors(item, prefix))
        return parts
    field = prefix.rstrip(".")
    return [f"{field}: {errors}" if field else str(errors)]


# The database is away (a server stopped or restarting, a file that cannot be opened): not a bug
# of ours, and over by itself when it returns. A bare DatabaseError is what SQLite says of a
# file it cannot read as a database. Integrity and programming errors stay 500s: those are bugs.
DATABASE_AWAY = (OperationalError, InterfaceError)
DATABASE_AWAY_RETRY_SECONDS = 5


def database_is_away(exc):
    return isinstance(exc, DATABASE_AWAY) or type(exc) is DatabaseError


def database_unavailable(exc):
    """503 with a sentence and Retry-After; one log line, no traceback (it is not a bug)."""
    log.warning("database unavailable: %s: %s", type(exc).__name__, str(exc).strip()[:200])
    return error_response(
        503,
        "database_unavailable",
        gettext("The database cannot be reached right now. Try again in a moment."),
        Retry_After=str(DATABASE_AWAY_RETRY_SECONDS),
    )


def api_exception_handler(exc, context):
    if database_is_away(exc):
        return database_unavailable(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's handler500 answers, and logs it
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "error": "invalid",
            "detail": " ".join(describe_validation_errors(exc.detail)),
            "fields": exc.detail if isinstance(exc.detail, dict) else None,
        }
    else:
        code = getattr(exc, "error_code", None) or next(
            (code for cls, code in ERROR_CODES.items() if isinstance(exc, cls)), "error"
        )
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if isinstance(exc, exceptions.ParseError):
            reason = detail.removeprefix("JSON parse error - ")
            detail = gettext("The request body is not valid JSON (%(reason)s).") % {
                "reason": reason
            }
        if isinstance(exc, exceptions.Throttled) and not getattr(exc, "error_code", None):
            seconds = math.ceil(exc.wait or 1)
            detail = ngettext(
                "Too many attempts. Try again in %(seconds)d second.",
                "Too many attempts. Try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        body = {"error": code, "detail": str(detail)}
    response.data = {k: v for k, v in body.items() if v is not None}
    return response


def api_error_response(request, exc, allow):
    """The answer an APIView gives to the APIException exc, for a view that is not one (the
    live stream is a plain async view): DRF's own handle_exception, with the EXCEPTION_HANDLER
    above, and its renderer. Status, body and headers (WWW-Authenticate on a 401; Allow, the
    methods in allow) are those of every other endpoint. Nothing here touches the database."""
    view = APIView()
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.request = view.initialize_request(request)
    view.headers = {"Allow": ", ".join(allow)}
    return view.finalize_response(view.request, view.handle_exception(exc)).render()


def csrf_failure(request, reason=""):
    return error_response(
        status.HTTP_403_FORBIDDEN,
        "csrf_failed",
        gettext(
            "The request was refused because its CSRF token is missing or wrong. "
            "Fetch /api/auth/csrf/ and send the token in the X-CSRFToken header."
        ),
    )


def bad_request(request, exception=None):
    return error_response(400, "bad_request", gettext("The request could not be understood."))


def permission_denied(request, exception=None):
    return error_response(403, "forbidden", gettext("You are not allowed to do this."))


def not_found(request, exception=None):
    return error_response(404, "not_found", gettext("There is nothing at this address."))


def server_error(request):
    # Django calls this while handling the exception, so it is still at hand: a database that
    # went away outside a view (saving the session after the response) is a 503 too.
    exc = sys.exc_info()[1]
    if exc is not None and database_is_away(exc):
        return database_unavailable(exc)
    return error_response(
        500, "server_error", gettext("Something went wrong on our side. It has been logged.")
    )
