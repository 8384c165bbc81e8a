"""Reading and posting a circle's messages. The live stream is in stream.py."""

import re

from django.utils.translation import gettext, pgettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from circles.lookup import circle_for, facilitated_circle_for
from ic_core.exceptions import ApiError
from live.changes import current_epoch

from .actions import RequestKeyReused, post_message, post_message_once
from .selectors import current_prompt, has_messages, messages_after, messages_before
from .serializers import (
    MessagePageSerializer,
    MessageQuerySerializer,
    MessageSerializer,
    PostMessageSerializer,
)

# The IETF draft's header (draft-ietf-httpapi-idempotency-key-header); a UUID fits.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def idempotency_key(request):
    """The request's Idempotency-Key, None without one; a 400 for one that cannot be."""
    value = request.headers.get("Idempotency-Key")
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(value):
        refusal = gettext(
            # Translators: follows "Idempotency-Key: ", the header's name.
            "must be 1 to 64 letters, digits, '.', '_', ':' or '-' (a UUID, for example)."
        )
        raise ApiError(400, "invalid", f"Idempotency-Key: {refusal}")
    return value


def message_page(circle, before=None, after=None, limit=50):
    """The newest page, the page before `before`, or the page after `after`."""
    if after is not None:
        results = messages_after(circle.pk, after, limit)
    else:
        results = messages_before(circle.pk, before, limit)
    first, last = (results[0].seq, results[-1].seq) if results else (None, None)
    if not results:  # an empty page still says where the messages around it are
        older = after + 1 if after is not None and has_messages(circle.pk, seq__lte=after) else None
        newer = (
            before - 1 if before is not None and has_messages(circle.pk, seq__gte=before) else None
        )
    else:
        older = first if has_messages(circle.pk, seq__lt=first) else None
        newer = last if has_messages(circle.pk, seq__gt=last) else None
    return {
        "results": results,
        "older": older,
        "newer": newer,
        "current_prompt": current_prompt(circle),
        "last_seq": circle.last_seq,
        "epoch": current_epoch(),
    }


class MessageListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("circle", str, required=True, description="The circle's slug."),
            OpenApiParameter("before", int, description="The page before this sequence number."),
            OpenApiParameter("after", int, description="The messages after this sequence number."),
            OpenApiParameter("limit", int, description="Messages per page (1-200, default 50)."),
        ],
        responses=MessagePageSerializer,
    )
    def get(self, request):
        query = MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        circle = circle_for(request, data["circle"])
        page = message_page(circle, data.get("before"), data.get("after"), data["limit"])
        return Response(MessagePageSerializer(page).data)

    @extend_schema(
        request=PostMessageSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Sending the same post again with the same key returns the "
                "message it made (200) instead of making another.",
            )
        ],
        responses={201: MessageSerializer, 200: MessageSerializer},
    )
    def post(self, request):
        serializer = PostMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        circle = facilitated_circle_for(
            request, data["circle"], pgettext("facilitator can", "post messages")
        )
        request_key = idempotency_key(request)
        if request_key is None:
            message = post_message(circle, request.user, data["kind"], data["body"])
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        try:
            message, created = post_message_once(
                circle, request.user, data["kind"], data["body"], request_key
            )
        except RequestKeyReused as exc:
            raise ApiError(
                422,
                "idempotency_key_reused",
                gettext(
                    "This Idempotency-Key was already used for a different message; "
                    "send a new message with a new key."
                ),
            ) from exc
        if created:
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        # Sent again after a lost answer: the message it made the first time, made once.
        return Response(MessageSerializer(message).data, headers={"Idempotent-Replayed": "true"})
