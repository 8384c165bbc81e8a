"""The circle's voice over HTTP (docs/voice-api.md): participants respond and signal, the
facilitator reads, shares and lowers, every page says whether its person is in the call, and
the facilitator reads the attendance of a session."""

from django.http import HttpResponse
from django.utils.translation import gettext, ngettext, pgettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from circles.lookup import circle_for, facilitated_circle_for, participant_circle_for
from facilitation import presence
from ic_core.exceptions import ApiError
from rhythm.models import Session
from rhythm.views import JSONWhateverIsAccepted

from . import actions, selectors
from .attendance import register, register_csv
from .models import PromptResponse, Signal
from .serializers import (
    AttendanceQuerySerializer,
    AttendanceSerializer,
    InCallSerializer,
    OwnVoiceSerializer,
    RaiseSignalSerializer,
    RespondSerializer,
    ResponseSerializer,
    ShareSerializer,
    SignalSerializer,
    VoiceSerializer,
)


class SendingTooFast(Throttled):
    error_code = "throttled"


def too_fast(exc):
    # Two sentences, so that each has one number to agree with.
    pace = ngettext(
        "You are sending too fast: at most %(limit)d responses and signals in %(window)d second.",
        "You are sending too fast: at most %(limit)d responses and signals in %(window)d seconds.",
        exc.window,
    ) % {"limit": exc.limit, "window": exc.window}
    wait = ngettext("Try again in %(wait)d second.", "Try again in %(wait)d seconds.", exc.wait)
    return SendingTooFast(wait=exc.wait, detail=f"{pace} {wait % {'wait': exc.wait}}")


def conflict(exc):
    return ApiError(409, "conflict", str(exc))


class VoiceView(APIView):
    @extend_schema(responses=VoiceSerializer)
    def get(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "see the participants' responses")
        )
        return Response(VoiceSerializer(selectors.voice_of(circle)).data)


class OwnVoiceView(APIView):
    @extend_schema(responses=OwnVoiceSerializer)
    def get(self, request, slug):
        circle = circle_for(request, slug)
        return Response(OwnVoiceSerializer(selectors.own_voice(circle, request.user)).data)


class ResponsesView(APIView):
    @extend_schema(request=RespondSerializer, responses={201: ResponseSerializer})
    def post(self, request, slug):
        circle = participant_circle_for(
            request, slug, pgettext("only participants", "respond to prompts")
        )
        serializer = RespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            response = actions.respond(circle, request.user, serializer.validated_data["body"])
        except actions.TooFast as exc:
            raise too_fast(exc) from exc
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class ShareResponseView(APIView):
    @extend_schema(request=ShareSerializer, responses=ResponseSerializer)
    def post(self, request, slug, response_id):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "share responses")
        )
        response = PromptResponse.objects.filter(circle=circle, pk=response_id).first()
        if response is None:
            sentence = gettext("This circle has no response with id %(id)s.")
            raise NotFound(sentence % {"id": response_id})
        serializer = ShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            response = actions.share(response, request.user, serializer.validated_data["shared_as"])
        except actions.Refused as exc:
            raise conflict(exc) from exc
        return Response(ResponseSerializer(response).data)


class SignalsView(APIView):
    @extend_schema(
        request=RaiseSignalSerializer, responses={201: SignalSerializer, 200: SignalSerializer}
    )
    def post(self, request, slug):
        circle = participant_circle_for(
            request, slug, pgettext("only participants", "raise signals")
        )
        serializer = RaiseSignalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            signal, raised = actions.raise_signal(
                circle, request.user, serializer.validated_data["kind"]
            )
        except actions.TooFast as exc:
            raise too_fast(exc) from exc
        code = status.HTTP_201_CREATED if raised else status.HTTP_200_OK
        return Response(SignalSerializer(signal).data, status=code)


class SignalView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, signal_id):
        """Lowers a signal: the participant's own, or any of the circle's for its facilitator."""
        circle = circle_for(request, slug)
        signals = Signal.objects.filter(circle=circle, pk=signal_id)
        if not request.user.is_facilitator:
            signals = signals.filter(key=request.user)  # another's: as if it did not exist
        signal = signals.first()
        if signal is None:
            sentence = gettext("This circle has no signal of yours with id %(id)s.")
            raise NotFound(sentence % {"id": signal_id})
        actions.lower_signal(signal)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CallPresenceView(APIView):
    @extend_schema(request=InCallSerializer, responses={204: None})
    def put(self, request, slug):
        """The page's person joined or left the video call (the IFrame API's events)."""
        circle = circle_for(request, slug)
        serializer = InCallSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        presence.set_in_call(circle, request.user, serializer.validated_data["in_call"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def session_of(circle, session_id):
    sessions = Session.objects.filter(circle=circle)
    session = sessions.filter(pk=session_id).first() if session_id else sessions.first()
    if session is None:
        raise NotFound(
            gettext("This circle has no session with id %(id)s.") % {"id": session_id}
            if session_id
            else gettext("This circle has had no session yet.")
        )
    return session


class AttendanceView(APIView):
    @extend_schema(responses=AttendanceSerializer)
    def get(self, request, slug, session_id):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "see the attendance")
        )
        session = session_of(circle, session_id)
        return Response(
            AttendanceSerializer({"session": session, "people": register(session)}).data
        )


class AttendanceCsvView(APIView):
    content_negotiation_class = JSONWhateverIsAccepted

    @extend_schema(
        operation_id="circles_attendance_csv",
        parameters=[
            OpenApiParameter("session", int, description="The session (default: the latest).")
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="person,role,joined_at,left_at,room_minutes,call_minutes",
            )
        },
    )
    def get(self, request, slug):
        circle = facilitated_circle_for(
            request, slug, pgettext("facilitator can", "see the attendance")
        )
        query = AttendanceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        session = session_of(circle, query.validated_data.get("session"))
        response = HttpResponse(
            register_csv(register(session)), content_type="text/csv; charset=utf-8"
        )
        name = f"{circle.slug}-attendance-{session.started_at:%Y-%m-%d}-{session.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
