"""Tells drf-spectacular how the API authenticates: the session cookie a key sign-in starts."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AccessKeySessionScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.AccessKeySessionAuthentication"
    name = "accessKeySession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "Started by POST /api/auth/verify-key/. Writes also need X-CSRFToken.",
        }
