"""Waking live streams when their circle has a new message, on every worker process.

Each worker keeps one hub. A post in this worker wakes its listeners at once (after commit);
a post in any other worker is noticed by the hub's poller thread, which watches the circles'
`last_seq` counters in the shared database. The database is the only thing the workers share,
so this works the same on SQLite and PostgreSQL, with any number of workers or machines.
A wake-up only says "look again": streams read the messages themselves, by sequence number,
so a spurious or missed wake can cost latency but never a gap or a duplicate.
"""

import asyncio
import logging
import os
import threading
import time
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection

log = logging.getLogger(__name__)


class Listener:
    """One stream's doorbell, rung from any thread."""

    def __init__(self, circle_id, loop):
        self.circle_id = circle_id
        self._loop = loop
        self._event = asyncio.Event()

    def ring(self):
        self._loop.call_soon_threadsafe(self._event.set)

    def reset(self):
        self._event.clear()

    async def wait(self, timeout):
        """True if rung, False if the timeout passed first."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Hub:
    def __init__(self):
        self._lock = threading.Lock()
        self._listeners = defaultdict(set)
        self._last_seen = {}
        self._poller = None
        self._poller_pid = None

    @contextmanager
    def listen(self, circle_id):
        listener = Listener(circle_id, asyncio.get_running_loop())
        with self._lock:
            self._listeners[circle_id].add(listener)
            self._ensure_poller()
        try:
            yield listener
        finally:
            with self._lock:
                self._listeners[circle_id].discard(listener)
                if not self._listeners[circle_id]:
                    del self._listeners[circle_id]
                    self._last_seen.pop(circle_id, None)

    def announce(self, circle_id):
        """A message was committed in this process: wake this circle's listeners now."""
        for listener in self._listeners_of(circle_id):
            listener.ring()

    def _listeners_of(self, circle_id):
        with self._lock:
            return list(self._listeners.get(circle_id, ()))

    def _ensure_poller(self):
        # A forked worker inherits the object but not the thread: start one per process.
        if self._poller is None or self._poller_pid != os.getpid() or not self._poller.is_alive():
            self._poller_pid = os.getpid()
            self._poller = threading.Thread(target=self._poll_forever, name="ic-live", daemon=True)
            self._poller.start()

    def _poll_forever(self):
        while True:
            time.sleep(settings.STREAM_POLL_SECONDS)
            try:
                self.poll_once()
            except DatabaseError:
                log.exception("live poller: database error, reconnecting")
                connection.close()

    def poll_once(self):
        with self._lock:
            watched = list(self._listeners)
        if not watched:
            return
        from circles.models import Circle

        for circle_id, last_seq in Circle.objects.filter(pk__in=watched).values_list(
            "pk", "last_seq"
        ):
            # First sight of a circle also rings: a listener that started between our looks
            # re-reads, which costs one query and can never lose a message.
            if self._last_seen.get(circle_id) != last_seq:
                self._last_seen[circle_id] = last_seq
                for listener in self._listeners_of(circle_id):
                    listener.ring()


hub = Hub()
