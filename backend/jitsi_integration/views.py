import logging

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from circles.lookup import circle_for
from ic_core.exceptions import ApiError

from .config import JitsiNotConfigured, jitsi_config

log = logging.getLogger(__name__)


class CircleQuerySerializer(serializers.Serializer):
    circle = serializers.SlugField(max_length=64)


JitsiConfigSerializer = inline_serializer(
    "JitsiConfig",
    {
        "mode": serializers.ChoiceField(choices=["public", "token", "jaas"]),
        "domain": serializers.CharField(),
        "script_url": serializers.URLField(),
        "room_name": serializers.CharField(),
        "jwt": serializers.CharField(allow_null=True),
        "expires_at": serializers.DateTimeField(allow_null=True),
        "renew_after_seconds": serializers.IntegerField(),
        "moderator": serializers.BooleanField(),
        "user_info": inline_serializer("JitsiUserInfo", {"displayName": serializers.CharField()}),
        "config_overwrite": serializers.DictField(),
        "interface_config_overwrite": serializers.DictField(),
        "notice": serializers.CharField(allow_null=True),
    },
)


class JitsiConfigView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("circle", str, required=True)],
        responses=JitsiConfigSerializer,
    )
    def get(self, request):
        query = CircleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        circle = circle_for(request, query.validated_data["circle"])
        try:
            return Response(jitsi_config(circle, request.user))
        except JitsiNotConfigured as exc:
            log.error("jitsi configuration incomplete: missing %s", ", ".join(exc.args[0]))
            raise ApiError(
                503, "video_unavailable", gettext("Video is not configured on this server yet.")
            ) from exc
