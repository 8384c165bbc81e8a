"""GET /api/messages/stream/?circle=<slug>: a circle's messages as Server-Sent Events.

Each event's id is the message's sequence number. A client that reconnects sends the last id
it saw (Last-Event-ID, or ?after=) and gets exactly the messages after it. The first event,
`hello`, carries the database's epoch and the circle's newest sequence number, so a page that
holds higher numbers (a restore took them back) knows to reload. The stream ends with
`event: end` and the reason as soon as its key is revoked or expires, its session is signed
out, or its circle is closed or deleted (facilitation.hub). `event: rhythm` (data {}) says the
circle's session, timer, run sheet or schedule changed: the page reads them again. The hello
comes only once the stream is subscribed and its worker follows the change log, so every
change after a hello reaches the stream (and the page reads the rhythm at each hello).

Opening a stream is a few queries on the process's live reader thread (live.feed), which keeps
one connection; once open it waits on the hub (ic_core.asgi runs these requests without a
thread of their own), so streams cost neither a thread nor a database connection.
"""

import hashlib
import json
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from rest_framework.exceptions import APIException, MethodNotAllowed, NotAuthenticated

from access.authentication import key_for_session
from circles.lookup import not_visible
from circles.selectors import visible_circle
from ic_core.errors import api_error_response, database_is_away, database_unavailable
from ic_core.exceptions import ApiError
from live.changes import current_epoch
from live.feed import in_reader_thread

from . import standing
from .hub import RHYTHM, VOICE, Stream, hub
from .selectors import encoded_messages_after

log = logging.getLogger(__name__)

BACKLOG_BATCH = 200
RETRY_MS = 3000
# After a restore every page reconnects: soon, but spread over a second.
RESTART_RETRY_MS = 1000
# How long a new stream waits for a just-started worker's feed before it says hello anyway.
FOLLOW_WAIT_SECONDS = 5.0
MAX_SEQ_DIGITS = 19  # PositiveBigIntegerField's range; more digits is not a sequence number
MAX_SLUG_LENGTH = 64
ALLOWED_METHODS = ("GET",)
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# DRF's SlugField's sentence, and so its translations.
SLUG_MESSAGE = gettext_lazy(
    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
)


def parse_after(request):
    """The sequence number to resume after, or None if what was sent is not one."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_SEQ_DIGITS:
        return None
    return int(raw)


@dataclass(frozen=True)
class Opening:
    holder: standing.Holder
    after: int
    last_seq: int
    epoch: str
    key_expires_at: datetime | None
    video_room: str
    person: str
    role: str
    language: str  # of the request: the end event's sentence is in it


def open_stream(session, slug, after):
    """What the stream needs to know before it starts, or the APIException to answer with.

    The error is returned, not raised: an exception on the live reader's thread closes its
    connection (live.feed), and a refused stream must not cost the reader its connection."""
    key = key_for_session(session)
    if key is None:
        return NotAuthenticated()
    if not slug:
        refusal = gettext("This query parameter is required.")
        return ApiError(400, "invalid", f"circle: {refusal}")
    if len(slug) > MAX_SLUG_LENGTH or not SLUG.fullmatch(slug):
        # As the list endpoint's SlugField says it; PostgreSQL also refuses NUL in a query.
        return ApiError(400, "invalid", f"circle: {SLUG_MESSAGE}")
    if after is None:
        refusal = gettext("Last-Event-ID and after must be a whole number (0 or more).")
        return ApiError(400, "invalid", f"after: {refusal}")
    circle = visible_circle(key, slug)
    if circle is None:
        return not_visible(slug)
    holder = standing.Holder(key.pk, session.session_key, circle.pk, key.is_facilitator)
    return Opening(
        holder,
        after,
        circle.last_seq,
        current_epoch(),
        key.expires_at,
        room_tag(circle),
        key.display_name,
        key.role,
        translation.get_language(),
    )


def open_stream_in(language, session, slug, after):
    """open_stream, its errors in the request's language: the reader's thread has none."""
    with translation.override(language):
        return open_stream(session, slug, after)


def room_tag(circle):
    """Names the circle's current video room without giving it away: a page in the call
    compares it with the one it joined, and follows the call when the room moved."""
    return hashlib.sha256(circle.jitsi_room.encode()).hexdigest()[:16]


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


# What a page must read again: `rhythm`, the circle's session, timer, run sheet or schedule
# (GET /api/circles/<slug>/rhythm/); `voice`, its responses, signals or who is there (voice).
NUDGES = {name: event(name, {}) for name in (RHYTHM, VOICE)}


def end_event(reason, language):
    with translation.override(language):
        return event("end", {"reason": reason.code, "detail": str(reason.detail)})


def seconds_until(moment):
    return (moment - timezone.now()).total_seconds() if moment else None


def unsent(events, sent):
    """The events above sequence number `sent`, as one chunk, and the new last number sent."""
    chunk = []
    for seq, data in events:
        if seq > sent:
            chunk.append(data)
            sent = seq
    return b"".join(chunk), sent


@contextmanager
def in_the_room(stream, opening):
    """The stream's holder is in the circle's room while it is open (facilitation.presence,
    written by the hub a few times a second: the stream never waits for it)."""
    hub.entered(stream, opening.person, opening.role)
    try:
        yield
    finally:
        hub.left(stream)


async def event_stream(opening):
    yield f"retry: {RETRY_MS}\n\n".encode()
    stream = Stream(opening.holder)
    with hub.subscribe(stream, opening.last_seq), in_the_room(stream, opening):
        async for chunk in subscribed_events(stream, opening):
            yield chunk


async def subscribed_events(stream, opening):
    """The hello, the backlog, then what the hub hands the subscribed stream, until it ends."""
    # The hello only once every later change will reach this stream: the page reads the
    # rhythm again at each hello, so a change is never lost between the two.
    if not await hub.following(FOLLOW_WAIT_SECONDS):
        log.warning("live stream: the change feed has not started; opening anyway")
    yield event(
        "hello",
        {
            "epoch": opening.epoch,
            "last_seq": opening.last_seq,
            "video_room": opening.video_room,
        },
    )
    sent = opening.after
    # Subscribed first, then the backlog: whatever is posted meanwhile waits in the
    # stream, and numbers already sent are skipped, so nothing is lost or doubled.
    while True:
        backlog = await in_reader_thread(
            encoded_messages_after, opening.holder.circle_id, sent, BACKLOG_BATCH
        )
        if backlog:
            yield b"".join(data for _, data in backlog)
            sent = backlog[-1][0]
        if len(backlog) < BACKLOG_BATCH:
            break
    while True:
        fresh, sent = unsent(stream.take(), sent)
        if fresh:
            yield fresh
        for name in stream.take_nudges():
            yield NUDGES[name]
        if stream.end is not None:
            yield end_event(stream.end, opening.language)
            return
        if stream.restart:
            yield f"retry: {RESTART_RETRY_MS}\n\n".encode()
            return
        left = seconds_until(opening.key_expires_at)
        if left is not None and left <= 0:
            yield end_event(standing.KEY_EXPIRED, opening.language)
            return
        timeout = settings.STREAM_HEARTBEAT_SECONDS
        if not await stream.wait(timeout if left is None else min(timeout, left)):
            yield b": heartbeat\n\n"


async def message_stream(request):
    """The stream, or an error answered as every APIView answers it (api_error_response)."""
    if request.method not in ALLOWED_METHODS:
        return api_error_response(request, MethodNotAllowed(request.method), ALLOWED_METHODS)
    slug = request.GET.get("circle")
    after = parse_after(request)
    # On the live reader's thread and its one long-lived connection: a reconnect storm costs
    # queries, not a new database connection per stream.
    try:
        opening = await in_reader_thread(
            open_stream_in, translation.get_language(), request.session, slug, after
        )
    except DatabaseError as exc:
        if not database_is_away(exc):
            raise
        return database_unavailable(exc)
    if isinstance(opening, APIException):
        return api_error_response(request, opening, ALLOWED_METHODS)
    response = StreamingHttpResponse(event_stream(opening), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
