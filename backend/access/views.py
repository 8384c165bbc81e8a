"""Signing in with a key, the session's identity, signing out, and a circle's keys."""

from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import (
    APIException,
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from circles.lookup import facilitated_circle_for
from circles.selectors import visible_circles

from . import actions
from .authentication import (
    AccessKeySessionAuthentication,
    end_session,
    enforce_csrf,
    start_session,
)
from .models import Role
from .naming import call_names
from .serializers import (
    IdentitySerializer,
    IssuedKeySerializer,
    IssueKeysSerializer,
    KeySummarySerializer,
    VerifyKeySerializer,
)
from .throttling import KeyAttempts, remember_device
from .verification import find_usable_key

# One body for unknown, revoked and expired keys: the answer must not tell them apart.
KEY_REFUSED = "This key is not valid. Check it and try again, or ask your facilitator."


def identity(key):
    circles = [{"slug": c.slug, "name": c.name} for c in visible_circles(key)]
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


class CircleKeysView(APIView):
    @extend_schema(responses=KeySummarySerializer(many=True))
    def get(self, request, slug):
        circle = facilitated_circle_for(request, slug, "see its keys")
        keys = list(circle.access_keys.order_by("created_at", "id"))
        context = {"call_names": call_names(keys)}
        return Response(KeySummarySerializer(keys, many=True, context=context).data)

    @extend_schema(
        request=IssueKeysSerializer,
        responses={201: inline_serializer("IssuedKeys", {"keys": IssuedKeySerializer(many=True)})},
    )
    def post(self, request, slug):
        circle = facilitated_circle_for(request, slug, "issue keys")
        serializer = IssueKeysSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = actions.issue_keys(
            [circle],
            Role.PARTICIPANT,
            count=data["count"],
            labels=data.get("labels", []),
            expires_at=data.get("expires"),
        )
        body = {"keys": IssuedKeySerializer(issued, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)


class CircleKeyView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, key_id):
        circle = facilitated_circle_for(request, slug, "revoke keys")
        key = circle.access_keys.filter(pk=key_id).first()
        if key is None:
            raise NotFound(f"This circle has no key with id {key_id}.")
        if key.role != Role.PARTICIPANT:
            raise PermissionDenied(
                "Facilitator keys are revoked by the operator (manage.py revoke_key)."
            )
        actions.revoke_key(key)
        return Response(status=status.HTTP_204_NO_CONTENT)
