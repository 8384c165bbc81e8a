"""GET /api/messages/stream/?circle=<slug>: a circle's messages as Server-Sent Events.

Each event's id is the message's sequence number. A client that reconnects sends the last id
it saw (Last-Event-ID, or ?after=) and gets exactly the messages after it. The stream re-reads
from the database whenever the hub rings, and every heartbeat it checks that the session's key
is still good, so a revoked key's stream ends.
"""

import json

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import StreamingHttpResponse

from access.authentication import key_for_session
from circles.selectors import visible_circle
from ic_core.errors import error_response

from .live import hub
from .selectors import messages_after
from .serializers import MessageSerializer

BATCH = 200
RETRY_MS = 3000


def sse_event(message):
    data = json.dumps(MessageSerializer(message).data, ensure_ascii=False)
    return f"id: {message.seq}\ndata: {data}\n\n"


def parse_after(request):
    """The sequence number to resume after, or None if what was sent is not one."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() else None


def session_still_valid(session, key_id):
    if not session.exists(session.session_key):
        return False
    key = key_for_session(session)
    return key is not None and key.pk == key_id


async def event_stream(session, key_id, circle_id, after):
    yield f"retry: {RETRY_MS}\n\n"
    last_seq = after
    with hub.listen(circle_id) as listener:
        while True:
            listener.reset()
            messages = await sync_to_async(messages_after)(circle_id, last_seq, BATCH)
            for message in messages:
                yield sse_event(message)
                last_seq = message.seq
            if len(messages) == BATCH:
                continue
            if not await listener.wait(settings.STREAM_HEARTBEAT_SECONDS):
                if not await sync_to_async(session_still_valid)(session, key_id):
                    yield 'event: end\ndata: {"reason": "session ended"}\n\n'
                    return
                yield ": heartbeat\n\n"


async def message_stream(request):
    if request.method != "GET":
        return error_response(405, "method_not_allowed", f'Method "{request.method}" not allowed.')
    key = await sync_to_async(key_for_session)(request.session)
    if key is None:
        return error_response(
            401, "not_authenticated", "Authentication credentials were not provided."
        )
    slug = request.GET.get("circle")
    if not slug:
        return error_response(400, "invalid", "circle: This query parameter is required.")
    after = parse_after(request)
    if after is None:
        return error_response(
            400, "invalid", "after: Last-Event-ID and after must be a whole number (0 or more)."
        )
    circle = await sync_to_async(visible_circle)(key, slug)
    if circle is None:
        return error_response(404, "not_found", f"There is no circle '{slug}' that your key opens.")
    response = StreamingHttpResponse(
        event_stream(request.session, key.pk, circle.pk, after), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
