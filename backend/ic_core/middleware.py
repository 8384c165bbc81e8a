"""Request-wide concerns: who the client is, a size limit on bodies and one structured log line
per request."""

import ipaddress
import logging
import re
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext

from .errors import error_response

request_log = logging.getLogger("ic.request")

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# What settings without TRUSTED_PROXIES (local, test) trust: a proxy on this machine.
LOOPBACK = ("127.0.0.1/32", "::1/128")
# Headers in which a proxy speaks for the client. Only the first two are read (Django reads
# X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER); all are dropped unless a trusted proxy sent
# them, so nothing downstream can be fooled by them.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def too_large():
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return error_response(
        413,
        "request_too_large",
        gettext("The request body is larger than the %(limit)d KB allowed.") % {"limit": limit_kb},
    )


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware(MiddlewareMixin):
    """The client's real address in REMOTE_ADDR, and X-Forwarded-* believed only from a trusted
    proxy (settings.TRUSTED_PROXIES: Caddy).

    From a trusted peer, the client is the nearest address in X-Forwarded-For that is not itself
    a trusted proxy (each proxy appends the address it saw, so only the entries the trusted ones
    added can be believed), and X-Forwarded-Proto stays for Django's SECURE_PROXY_SSL_HEADER.
    From anyone else every forwarding header is dropped: a client that reaches the backend
    directly is who its connection says, over the scheme it used. X-Forwarded-For is consumed
    either way, so DRF's throttles (NUM_PROXIES or not) see the client in REMOTE_ADDR. First in
    MIDDLEWARE, so that every other middleware and the request log see the same client.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        trusted = getattr(settings, "TRUSTED_PROXIES", LOOPBACK)
        self.trusted = [ipaddress.ip_network(network) for network in trusted]

    def is_trusted(self, address):
        return address is not None and any(address in network for network in self.trusted)

    def process_request(self, request):
        meta = request.META
        peer = _address(meta.get("REMOTE_ADDR", ""))
        if self.is_trusted(peer):
            client = peer
            for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
                address = _address(hop)
                if address is None:
                    break  # not an address: nothing further left can be believed
                client = address
                if not self.is_trusted(address):
                    break
            meta["REMOTE_ADDR"] = str(client)
            meta.pop("HTTP_X_FORWARDED_FOR", None)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)


class BodySizeLimitMiddleware(MiddlewareMixin):
    """413 for bodies over DATA_UPLOAD_MAX_MEMORY_SIZE, declared or chunked."""

    def process_request(self, request):
        if request.method not in BODY_METHODS:
            return None
        # This answers before LocaleMiddleware has chosen the request's language: choose it here.
        with translation.override(translation.get_language_from_request(request)):
            return self.refusal(request)

    def refusal(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        declared = request.META.get("CONTENT_LENGTH")
        try:
            if declared and int(declared) > limit:
                return too_large()
        except ValueError:
            return error_response(
                400, "bad_request", gettext("The Content-Length header is not a number.")
            )
        if not declared:
            # A chunked body has no declared length: reading it applies Django's own limit.
            try:
                request.body  # noqa: B018
            except RequestDataTooBig:
                return too_large()
        return None


# Paths that hold a secret, and how the log shows them: a calendar subscribe link's token
# (/api/calendar/<token>.ics) is the link's only lock.
SECRET_PATHS = ((re.compile(r"^/api/calendar/.+"), "/api/calendar/<token>"),)


def loggable_path(path):
    for secret, shown in SECRET_PATHS:
        if secret.match(path):
            return shown
    return path


class RequestLogMiddleware(MiddlewareMixin):
    """One JSON line per request: method, path (its secrets left out), status, duration. Never
    the body or query."""

    def process_request(self, request):
        request._ic_started = time.monotonic()

    def process_response(self, request, response):
        started = getattr(request, "_ic_started", None)
        duration_ms = round((time.monotonic() - started) * 1000, 1) if started else None
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": loggable_path(request.path),
                "status": response.status_code,
                "duration_ms": duration_ms,
                "client": request.META.get("REMOTE_ADDR"),
            },
        )
        return response
