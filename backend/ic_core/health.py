"""GET /api/health/: is this backend able to serve? Used by Caddy, compose and operators."""

import logging
import time

from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response

from .version import build_info, current_version

log = logging.getLogger(__name__)
STARTED = time.monotonic()


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        # Asked every few seconds by Caddy and compose: one line, no traceback each time.
        log.warning("health check: database unusable: %s: %s", type(exc).__name__, exc)
        return False


@extend_schema(
    responses={
        (200, "application/json"): inline_serializer(
            "Health",
            {
                "status": serializers.CharField(),
                "database": serializers.CharField(),
                "version": serializers.CharField(),
                "uptime_seconds": serializers.IntegerField(),
                "build": inline_serializer(
                    "Build",
                    {
                        "commit": serializers.CharField(),
                        "build_time": serializers.CharField(),
                        "python": serializers.CharField(),
                        "django": serializers.CharField(),
                        "database": serializers.CharField(),
                    },
                ),
            },
        )
    },
)
@api_view(["GET", "HEAD"])
@authentication_classes([])
@permission_classes([])
def health(request):
    ok = database_ok()
    body = {
        "status": "ok" if ok else "error",
        "database": "ok" if ok else "error",
        "version": current_version(),
        "uptime_seconds": int(time.monotonic() - STARTED),
        "build": build_info() if ok else {},
    }
    return Response(body, status=200 if ok else 503)
