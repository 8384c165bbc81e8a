"""A circle's rhythm over HTTP: its sessions, timer, run sheet and calendar. Reading is for
anyone the circle's keys let in; changing it is for its facilitator, except the elapsed call
(every page makes it when its countdown reaches zero) and one's own calendar link."""

from django.http import HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from circles.lookup import circle_for, facilitated_circle_for
from ic_core.exceptions import ApiError

from . import actions, selectors
from .calendar import circle_calendar
from .serializers import (
    CalendarLinkSerializer,
    RhythmSerializer,
    RunSheetItemSerializer,
    RunSheetItemWriteSerializer,
    RunSheetOrderSerializer,
    RunSheetSentSerializer,
    RunSheetSerializer,
    SessionListSerializer,
    SessionSerializer,
    TimerActionSerializer,
    TimerSerializer,
)

CALENDAR_TYPE = "text/calendar; charset=utf-8"
CALENDAR_RESPONSE = {
    (200, "text/calendar"): OpenApiResponse(
        OpenApiTypes.STR,
        description="An iCalendar document: the circle's sessions as one recurring event "
        "(none without a schedule).",
    )
}


def conflict(refusal):
    return ApiError(409, "conflict", str(refusal))


def timer_body(timer):
    return TimerSerializer(selectors.timer_view(timer)).data


def run_sheet_body(circle):
    items = selectors.run_sheet_items(circle)
    progress = selectors.run_sheet_progress(circle, selectors.open_session(circle))
    return RunSheetSerializer({"items": items, **progress}).data


# Sessions ---------------------------------------------------------------------------------


class SessionsView(APIView):
    @extend_schema(responses=SessionListSerializer)
    def get(self, request, slug):
        circle = circle_for(request, slug)
        return Response(SessionListSerializer({"sessions": selectors.sessions_of(circle)}).data)

    @extend_schema(request=None, responses={201: SessionSerializer})
    def post(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "start a session")
        )
        try:
            session = actions.start_session(circle, request.user)
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class EndSessionView(APIView):
    @extend_schema(request=None, responses=SessionSerializer)
    def post(self, request, slug):
        circle = facilitated_circle_for(request, slug, pgettext("facilitator can", "end a session"))
        try:
            session = actions.end_session(circle)
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(SessionSerializer(session).data)


# The page's rhythm and the timer ----------------------------------------------------------


class RhythmView(APIView):
    @extend_schema(responses=RhythmSerializer)
    def get(self, request, slug):
        """The circle's rhythm now, with the server's clock. A timer found at zero is finished
        and its cue posted first (once, however many pages ask)."""
        circle = circle_for(request, slug)
        actions.finish_timer_if_due(circle)
        return Response(RhythmSerializer(selectors.rhythm_of(circle)).data)


class TimerView(APIView):
    CHANGES = {
        "start": lambda circle, key, data: actions.start_timer(
            circle, key, data["seconds"], data.get("label", "")
        ),
        "pause": lambda circle, key, data: actions.pause_timer(circle),
        "resume": lambda circle, key, data: actions.resume_timer(circle),
        "add": lambda circle, key, data: actions.add_to_timer(circle, data["seconds"]),
        "stop": lambda circle, key, data: actions.stop_timer(circle),
    }

    @extend_schema(request=TimerActionSerializer, responses=TimerSerializer)
    def put(self, request, slug):
        circle = facilitated_circle_for(request, slug, pgettext("facilitator can", "run the timer"))
        serializer = TimerActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            timer = self.CHANGES[data["action"]](circle, request.user, data)
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(timer_body(timer))


class TimerElapsedView(APIView):
    @extend_schema(request=None, responses=TimerSerializer)
    def post(self, request, slug):
        """A page's countdown reached zero. If the timer has, it is finished and its time cue
        posted, once; if not yet, the running timer is answered as it is."""
        circle = circle_for(request, slug)
        actions.finish_timer_if_due(circle)
        return Response(timer_body(selectors.timer_of(circle)))


# Run sheet --------------------------------------------------------------------------------


class RunSheetView(APIView):
    @extend_schema(responses=RunSheetSerializer)
    def get(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "see the run sheet")
        )
        return Response(run_sheet_body(circle))

    @extend_schema(request=RunSheetItemWriteSerializer, responses={201: RunSheetItemSerializer})
    def post(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "change the run sheet")
        )
        serializer = RunSheetItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            item = actions.add_item(circle, **serializer.validated_data)
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(RunSheetItemSerializer(item).data, status=status.HTTP_201_CREATED)


class RunSheetItemView(APIView):
    def item(self, request, slug, item_id):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "change the run sheet")
        )
        item = circle.run_sheet_items.filter(pk=item_id).first()
        if item is None:
            sentence = gettext("This circle's run sheet has no item with id %(id)s.")
            raise NotFound(sentence % {"id": item_id})
        return item

    @extend_schema(request=RunSheetItemWriteSerializer, responses=RunSheetItemSerializer)
    def patch(self, request, slug, item_id):
        item = self.item(request, slug, item_id)
        serializer = RunSheetItemWriteSerializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        actions.change_item(item, **serializer.validated_data)
        return Response(RunSheetItemSerializer(item).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, item_id):
        actions.remove_item(self.item(request, slug, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunSheetOrderView(APIView):
    @extend_schema(request=RunSheetOrderSerializer, responses=RunSheetSerializer)
    def put(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "change the run sheet")
        )
        serializer = RunSheetOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            actions.reorder_items(circle, serializer.validated_data["ids"])
        except actions.NotTheItems as exc:
            count = exc.args[0]
            refusal = ngettext(
                "Must name each of the run sheet's %(count)d item exactly once.",
                "Must name each of the run sheet's %(count)d items exactly once.",
                count,
            ) % {"count": count}
            raise ApiError(400, "invalid", f"ids: {refusal}") from exc
        return Response(run_sheet_body(circle))


class RunSheetNextView(APIView):
    @extend_schema(request=None, responses=RunSheetSentSerializer)
    def post(self, request, slug):
        """Sends the next item: a prompt or announcement is posted, a timer is started."""
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "send the run sheet")
        )
        try:
            item, position, total = actions.send_next_item(circle, request.user)
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(
            RunSheetSentSerializer({"sent": item, "position": position, "total": total}).data
        )


# Calendar ---------------------------------------------------------------------------------


class JSONWhateverIsAccepted(BaseContentNegotiation):
    """Calendar apps send Accept: text/calendar, which no DRF renderer of ours offers: the
    documents are answered as they are (HttpResponse), and errors as JSON, never with 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def calendar_response(request, circle):
    plan = selectors.plan_of(circle)
    host, _port = split_domain_port(request.get_host())
    document = circle_calendar(
        circle,
        plan.schedule if plan else None,
        circle_url=request.build_absolute_uri(f"/circles/{circle.slug}"),
        host=host or "inquirycircle",
        today=timezone.now().date(),
    )
    response = HttpResponse(document, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'inline; filename="{circle.slug}.ics"'
    return response


class CircleCalendarView(APIView):
    content_negotiation_class = JSONWhateverIsAccepted

    @extend_schema(operation_id="circles_calendar", responses=CALENDAR_RESPONSE)
    def get(self, request, slug):
        return calendar_response(request, circle_for(request, slug))


class CalendarLinkView(APIView):
    @extend_schema(request=None, responses={201: CalendarLinkSerializer})
    def post(self, request, slug):
        """A new subscribe link for the signed-in key; its previous one for this circle stops
        working. The link is shown once: only a hash of its secret is kept."""
        circle = circle_for(request, slug)
        token = actions.new_calendar_link(request.user, circle)
        url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token}))
        return Response(CalendarLinkSerializer({"url": url}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug):
        actions.revoke_calendar_link(request.user, circle_for(request, slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarFeedView(APIView):
    """For calendar apps, which have no session: the token in the address is the key."""

    authentication_classes = []
    permission_classes = [AllowAny]
    content_negotiation_class = JSONWhateverIsAccepted

    @extend_schema(operation_id="calendar_feed", responses=CALENDAR_RESPONSE, auth=[])
    def get(self, request, token):
        circle = selectors.circle_of_calendar_link(token)
        if circle is None:
            raise NotFound(
                gettext("There is no calendar at this address: the link is unknown or was revoked.")
            )
        return calendar_response(request, circle)
