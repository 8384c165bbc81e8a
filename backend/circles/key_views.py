"""A circle's keys, as its facilitator sees, issues and revokes them. Here, not in access:
circles builds on access (the keys), access builds on nothing of circles."""

from django.utils.translation import gettext, pgettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from access import actions
from access.models import Role
from access.naming import call_names
from access.serializers import IssuedKeySerializer, IssueKeysSerializer, KeySummarySerializer

from .lookup import facilitated_circle_for


class CircleKeysView(APIView):
    @extend_schema(responses=KeySummarySerializer(many=True))
    def get(self, request, slug):
        circle = facilitated_circle_for(request, slug, pgettext("facilitator can", "see its keys"))
        keys = list(circle.access_keys.order_by("created_at", "id"))
        context = {"call_names": call_names(keys)}
        return Response(KeySummarySerializer(keys, many=True, context=context).data)

    @extend_schema(
        request=IssueKeysSerializer,
        responses={201: inline_serializer("IssuedKeys", {"keys": IssuedKeySerializer(many=True)})},
    )
    def post(self, request, slug):
        circle = facilitated_circle_for(request, slug, pgettext("facilitator can", "issue keys"))
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
        circle = facilitated_circle_for(request, slug, pgettext("facilitator can", "revoke keys"))
        key = circle.access_keys.filter(pk=key_id).first()
        if key is None:
            raise NotFound(gettext("This circle has no key with id %(id)s.") % {"id": key_id})
        if key.role != Role.PARTICIPANT:
            raise PermissionDenied(
                gettext("Facilitator keys are revoked by the operator (manage.py revoke_key).")
            )
        actions.revoke_key(key)
        return Response(status=status.HTTP_204_NO_CONTENT)
