"""Signing in with a key, the session's identity, signing out.

A circle's keys are managed in circles.key_views: access never imports circles.
"""

from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import actions
from .authentication import (
    AccessKeySessionAuthentication,
    end_session,
    enforce_csrf,
    start_session,
)
from .serializers import IdentitySerializer, VerifyKeySerializer
from .throttling import KeyAttempts, remember_device
from .verification import find_usable_key

# One body for unknown, revoked and expired keys: the answer must not tell them apart.
KEY_REFUSED = gettext_lazy(
    "This key is not valid. Check it and try again, or ask your facilitator."
)


def identity(key):
    circles = [{"slug": c.slug, "name": c.name} for c in key.visible_circles()]
    return {"role": key.role, "display_name": key.display_name, "circles": circles}


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer("CsrfToken", {"csrf_token": serializers.CharField()})
    )
    def get(self, request):
        return Response({"csrf_token": get_token(request._request)})


class VerifyKeyView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        # Without it DRF turns a refused key's 401 into 403.
        return AccessKeySessionAuthentication().authenticate_header(request)

    @extend_schema(
        request=VerifyKeySerializer,
        responses={
            200: IdentitySerializer,
            400: OpenApiResponse(description="Missing, non-string or over-long key."),
            401: OpenApiResponse(description="Unknown, revoked or expired key."),
            429: OpenApiResponse(description="Too many failed attempts; see Retry-After."),
        },
    )
    def post(self, request):
        enforce_csrf(request._request)
        attempts = KeyAttempts(request)
        if not attempts.reserve():
            self.throttled(request, attempts.wait())
        try:
            serializer = VerifyKeySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
        except APIException:
            attempts.give_back()  # no key was looked at
            raise
        key = find_usable_key(serializer.validated_data["key"])
        if key is None:
            raise AuthenticationFailed(KEY_REFUSED)  # the attempt stays counted
        attempts.give_back()  # a right key never uses up the budget
        actions.record_use(key)
        start_session(request, key)
        response = Response(identity(key))
        remember_device(response, request)
        return response


class MeView(APIView):
    @extend_schema(responses={200: IdentitySerializer})
    def get(self, request):
        return Response(identity(request.user))


class LogoutView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        enforce_csrf(request._request)
        end_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)
