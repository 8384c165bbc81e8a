"""Circle CRUD. Reading is for anyone the circle's keys let in; writing is for its facilitator."""

from django.db import transaction
from django.utils.translation import gettext, pgettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from facilitation.selectors import current_prompt
from ic_core.exceptions import ApiError
from rhythm.actions import set_schedule
from rhythm.selectors import plans_of

from . import actions
from .lookup import circle_for, facilitated_circle_for
from .selectors import facilitator_name
from .serializers import (
    CircleDetailSerializer,
    CircleSettingsSerializer,
    CircleSummarySerializer,
    CircleWriteSerializer,
)


def circle_detail(circle, key):
    """The circle as its page shows it to the key's holder."""
    context = {
        "facilitator": facilitator_name(circle),
        "current_prompt": current_prompt(circle),
        "viewer_is_facilitator": key.is_facilitator,
        "plans": plans_of([circle]),
    }
    return CircleDetailSerializer(circle, context=context).data


class CircleListView(APIView):
    @extend_schema(responses=CircleSummarySerializer(many=True))
    def get(self, request):
        circles = list(request.user.visible_circles())
        context = {"plans": plans_of(circles)}
        return Response(CircleSummarySerializer(circles, many=True, context=context).data)

    @extend_schema(request=CircleWriteSerializer, responses={201: CircleDetailSerializer})
    def post(self, request):
        """Create a circle; the creator's key facilitates it. Every field PATCH may set is
        honoured, active too: a circle created with "active": false starts closed, unseen by
        its participants until its facilitator opens it."""
        # Not refused with a 400: nothing in docs/ says circles start open, and a closed circle
        # is one PATCH may make anyway. The default stays open (Circle.active).
        if not request.user.is_facilitator:
            raise PermissionDenied(gettext("Only facilitators can create circles."))
        serializer = CircleWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            circle = actions.create_circle(facilitator=request.user, **data)
        except actions.SlugTaken as exc:
            taken = gettext("The slug '%(slug)s' is already taken.") % {"slug": data["slug"]}
            raise ApiError(409, "conflict", taken) from exc
        return Response(circle_detail(circle, request.user), status=status.HTTP_201_CREATED)


class CircleDetailView(APIView):
    @extend_schema(responses=CircleDetailSerializer)
    def get(self, request, slug):
        return Response(circle_detail(circle_for(request, slug), request.user))

    @extend_schema(request=CircleSettingsSerializer, responses=CircleDetailSerializer)
    def patch(self, request, slug):
        circle = facilitated_circle_for(request, slug, pgettext("facilitator can", "change it"))
        serializer = CircleSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "slug" in changes:
            # The field's name stays as the API spells it, as in every validation error.
            refusal = gettext("A circle's slug cannot be changed.")
            raise ApiError(400, "invalid", f"slug: {refusal}")
        schedule_sent = "schedule" in changes
        schedule = changes.pop("schedule", None)
        with transaction.atomic():
            if changes:
                actions.update_circle(circle, **changes)
            if schedule_sent:
                set_schedule(circle, schedule)
        return Response(circle_detail(circle, request.user))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug):
        actions.delete_circle(
            facilitated_circle_for(request, slug, pgettext("facilitator can", "delete it"))
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CircleVideoRoomView(APIView):
    """POST: move the circle's call to a new room (for public mode, where the room name is the
    only lock). Everyone whose key still opens the circle follows; nobody else learns it."""

    @extend_schema(request=None, responses=CircleDetailSerializer)
    def post(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "move its video to a new room")
        )
        actions.move_to_new_room(circle)
        return Response(circle_detail(circle, request.user))
