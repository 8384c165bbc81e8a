"""Each worker process's live hub: one reader per circle, the same encoded event for every
stream of that circle in this process.

A waiting stream is an asyncio task with a list of pending events; it holds no database
connection and no thread. The hub follows the change log (live.feed): when a circle it serves
has a new message, it reads the new messages once, on the process's one reader thread, encodes
each once and hands them to every stream of the circle. When a key, a session or a circle
changes, it checks the affected streams' standing in a few batched queries and ends those that
may not go on, with the reason. When a circle's rhythm changes (rhythm.actions), it tells the
circle's streams, which send `event: rhythm` and go on; when its voice changes (a response, a
signal, who is there), the facilitator's streams and the one person's send `event: voice`.
Every STREAM_AUDIT_SECONDS it checks all of them, to catch changes made behind the app's back,
and renews their visits to the room (facilitation.presence) in one UPDATE. Database work grows
with circles that have news, not with listeners.

Streams never trust the hub for completeness: each sends only sequence numbers above the last
it sent, and reads its own backlog after subscribing, so a late or repeated hand-over can cost
latency but never a gap or a duplicate.
"""

import asyncio
import logging
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from live.changes import session_digest
from live.feed import ChangeFeed, in_reader_thread
from live.models import Change

from . import presence, standing
from .selectors import encoded_messages_after

log = logging.getLogger(__name__)

BATCH = 500
RETRY_READ_SECONDS = 1.0
# How often a worker writes its streams' arrivals and departures (facilitation.presence).
PRESENCE_WRITE_SECONDS = 0.2
# The events that tell a page to read something again (facilitation.stream sends them).
RHYTHM = "rhythm"
VOICE = "voice"


class Stream:
    """One open stream: the events handed to it, and whether (and why) it must stop."""

    def __init__(self, holder):
        self.holder = holder
        self.session_digest = session_digest(holder.session_key)
        self.pending = []
        self.end = None  # a standing.EndReason once the stream must end
        self.restart = False  # close without an end: the client reconnects and re-reads
        self.nudges = set()  # what the page must read again: RHYTHM, VOICE
        self.token = presence.new_token()  # names its visit to the room (presence.record)
        self._event = asyncio.Event()

    def deliver(self, events):
        self.pending.extend(events)
        self._event.set()

    def nudge(self, name):
        """Something the page reads for itself changed (RHYTHM, VOICE). Several changes before
        the stream next writes are one event: the page reads the whole of it anyway."""
        self.nudges.add(name)
        self._event.set()

    def take_nudges(self):
        nudges, self.nudges = sorted(self.nudges), set()
        return nudges

    def finish(self, reason):
        if self.end is None:
            self.end = reason
            self._event.set()

    def start_over(self):
        self.restart = True
        self._event.set()

    def take(self):
        events, self.pending = self.pending, []
        self._event.clear()
        return events

    async def wait(self, timeout):
        """True if something happened, False if the timeout passed first."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Channel:
    """A circle's streams in this process, and the newest message handed to them."""

    def __init__(self, circle_id, high_water):
        self.circle_id = circle_id
        self.high_water = high_water
        self.streams = set()
        # Who hears of the circle's voice: found without looking at every listener, since
        # each stream that opens or closes is a voice change.
        self.facilitators = set()
        self.by_key = {}
        self.reading = False
        self.read_again = False

    def add(self, stream):
        self.streams.add(stream)
        self.by_key.setdefault(stream.holder.key_id, set()).add(stream)
        if stream.holder.is_facilitator:
            self.facilitators.add(stream)

    def discard(self, stream):
        self.streams.discard(stream)
        self.facilitators.discard(stream)
        theirs = self.by_key.get(stream.holder.key_id)
        if theirs is not None:
            theirs.discard(stream)
            if not theirs:
                del self.by_key[stream.holder.key_id]

    def voice_listeners(self, key_id):
        """The facilitator's streams, and those of the key a voice change concerns."""
        return self.facilitators | self.by_key.get(key_id, set())


class Hub:
    def __init__(self):
        self._loop = None
        self.channels = {}
        self.feed = None
        self._tasks = []
        self._presence = PresenceBuffer()

    # Streams -------------------------------------------------------------------------------

    @contextmanager
    def subscribe(self, stream, last_seq):
        """Hands stream every message of its circle above last_seq from now on."""
        self._ensure_running()
        circle_id = stream.holder.circle_id
        channel = self.channels.get(circle_id)
        if channel is None:
            channel = self.channels[circle_id] = Channel(circle_id, last_seq)
        channel.add(stream)
        if last_seq > channel.high_water:
            self._news(channel)
        try:
            yield stream
        finally:
            channel.discard(stream)
            if not channel.streams and self.channels.get(circle_id) is channel:
                del self.channels[circle_id]

    async def following(self, timeout):
        """Waits (at most timeout seconds) until the feed has a place in the change log: from
        then on every change reaches the streams subscribed. False if it had none in time."""
        self._ensure_running()
        try:
            await asyncio.wait_for(self.feed.started.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def streams(self):
        return [stream for channel in self.channels.values() for stream in channel.streams]

    # Running -------------------------------------------------------------------------------

    def _ensure_running(self):
        """Binds the hub to the running loop (a worker has one; each test's asyncio.run makes
        a new one) and starts the feed and the audit, again if either ever stopped."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self.channels, self._tasks = loop, {}, []
            self.feed = ChangeFeed(self._on_changes, self._on_resync)
            self._presence = PresenceBuffer()
        if not self._tasks or any(task.done() for task in self._tasks):
            for task in self._tasks:
                if task.done() and not task.cancelled() and task.exception():
                    log.error("live hub: a task stopped", exc_info=task.exception())
            self._tasks = [
                loop.create_task(self.feed.run(), name="ic-live-feed"),
                loop.create_task(self._audit_forever(), name="ic-live-audit"),
                loop.create_task(self._presence.write_forever(), name="ic-live-presence"),
            ]

    async def stop(self):
        """Stops the feed, the audit and the presence writer, writing what it still holds
        (tests; a worker just exits)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._presence.write()

    # Presence ------------------------------------------------------------------------------

    def entered(self, stream, person, role):
        """The stream's holder is in the room from now (written soon, with others)."""
        holder = stream.holder
        self._presence.entered(
            presence.Entry(
                stream.token, holder.circle_id, holder.key_id, person, role, timezone.now()
            )
        )

    def left(self, stream):
        self._presence.left(stream.token)

    # Messages ------------------------------------------------------------------------------

    def _news(self, channel):
        if channel.reading:
            channel.read_again = True
        else:
            channel.reading = True
            self._loop.create_task(self._read(channel))

    async def _read(self, channel):
        try:
            while True:
                channel.read_again = False
                events = await in_reader_thread(
                    encoded_messages_after, channel.circle_id, channel.high_water, BATCH
                )
                if events:
                    channel.high_water = events[-1][0]
                    for stream in list(channel.streams):
                        stream.deliver(events)
                if len(events) < BATCH and not channel.read_again:
                    return
        except Exception:
            log.exception("live hub: reading circle %s's messages failed", channel.circle_id)
            self._loop.call_later(RETRY_READ_SECONDS, self._retry_read, channel)
        finally:
            channel.reading = False

    def _retry_read(self, channel):
        if self.channels.get(channel.circle_id) is channel:
            self._news(channel)

    # The feed's callbacks ------------------------------------------------------------------

    async def _on_changes(self, rows):
        suspects, signed_out = set(), set()
        for _id, kind, circle_id, key_id, session, seq in rows:
            if kind == Change.Kind.MESSAGE:
                channel = self.channels.get(circle_id)
                if channel is not None and (seq is None or seq > channel.high_water):
                    self._news(channel)
            elif kind == Change.Kind.KEY:
                suspects.update(s for s in self.streams() if s.holder.key_id == key_id)
            elif kind == Change.Kind.SESSION:
                ended = {s for s in self.streams() if s.session_digest == session}
                suspects.update(ended)
                signed_out.update(ended)
            elif kind == Change.Kind.CIRCLE and circle_id in self.channels:
                suspects.update(self.channels[circle_id].streams)
            elif kind == Change.Kind.ROOM and circle_id in self.channels:
                # The page learns the new room from the hello of its next connection.
                for stream in list(self.channels[circle_id].streams):
                    stream.start_over()
            elif kind == Change.Kind.RHYTHM and circle_id in self.channels:
                # Nothing to read or check here: the page reads the rhythm itself.
                for stream in list(self.channels[circle_id].streams):
                    stream.nudge(RHYTHM)
            elif kind == Change.Kind.VOICE and circle_id in self.channels:
                # Only the facilitator's pages, and the page of the person it concerns: a
                # participant hears nothing of the others' voice.
                for stream in self.channels[circle_id].voice_listeners(key_id):
                    stream.nudge(VOICE)
            elif kind == Change.Kind.EPOCH:
                await self._on_resync(epoch_changed=True)
        if suspects:
            await self._check(suspects, signed_out)

    async def _on_resync(self, epoch_changed):
        if epoch_changed:
            # Numbers may have gone back: every page must re-read (the stream's hello says so).
            for stream in self.streams():
                stream.start_over()
            return
        high_water = await in_reader_thread(standing.circles_high_water, list(self.channels))
        for circle_id, channel in list(self.channels.items()):
            newest = high_water.get(circle_id)
            if newest is not None and newest < channel.high_water:
                channel.high_water = newest
                for stream in list(channel.streams):
                    stream.start_over()
            elif newest is None or newest > channel.high_water:
                self._news(channel)  # something was posted that this process has not read
        await self._check(self.streams())

    # Standing ------------------------------------------------------------------------------

    async def _check(self, streams, signed_out=()):
        streams = list(streams)
        if not streams:
            return
        facts = await in_reader_thread(standing.facts_about, [s.holder for s in streams])
        for stream in streams:
            reason = standing.end_reason(stream.holder, facts, signed_out=stream in signed_out)
            if reason is not None:
                stream.finish(reason)

    async def _audit_forever(self):
        while True:
            await asyncio.sleep(settings.STREAM_AUDIT_SECONDS)
            try:
                await self._check(self.streams())
            except Exception:
                log.exception("live hub: checking open streams failed; trying again later")
            try:
                await self._renew_visits(self.streams())
            except Exception:
                log.exception("live hub: renewing who is in the room failed; trying again later")

    async def _renew_visits(self, streams):
        """The open streams are still in the room (facilitation.presence): one UPDATE."""
        if streams:
            await in_reader_thread(
                presence.seen,
                [s.token for s in streams],
                {s.holder.key_id for s in streams},
                {s.holder.circle_id for s in streams},
            )


class PresenceBuffer:
    """The streams' comings and goings in this process, written every PRESENCE_WRITE_SECONDS
    in one transaction (presence.record) on the reader thread. A failed write is logged and
    dropped: presence is a record, not a gate, and the streams go on."""

    def __init__(self):
        self.entries, self.exits = [], []
        self._news = asyncio.Event()

    def entered(self, entry):
        self.entries.append(entry)
        self._news.set()

    def left(self, token):
        self.exits.append(token)
        self._news.set()

    async def write_forever(self):
        while True:
            await self._news.wait()
            await asyncio.sleep(PRESENCE_WRITE_SECONDS)  # gather what comes with it
            await self.write()

    async def write(self):
        entries, exits = self.entries, self.exits
        self.entries, self.exits = [], []
        self._news.clear()
        if not entries and not exits:
            return
        try:
            await in_reader_thread(presence.record, entries, exits)
        except Exception:
            log.exception(
                "live hub: recording %d arrivals and %d departures failed",
                len(entries),
                len(exits),
            )


hub = Hub()
