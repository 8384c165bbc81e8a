"""Following the change log from one worker process.

A process has one ChangeFeed, run as a task on its event loop. It waits until there may be
news, reads the log once (in the process's one reader thread, on the reader's one database
connection) and hands the new changes to its hub. What wakes it:
- a change committed in this process (live.doorbell), at once;
- on PostgreSQL, NOTIFY on the channel every change sends, heard on a LISTEN connection of its
  own (psycopg's async notifications), so workers on other machines hear a post within
  milliseconds;
- otherwise a look every STREAM_POLL_SECONDS; on SQLite `PRAGMA data_version`, asked on the
  event loop itself (SqliteWatch), tells whether any connection committed since the last look,
  so an idle look costs microseconds and never reaches the reader thread.
Its cost follows the changes, not the number of streams. Any error is logged and the feed
carries on; after one it tells the hub to re-check what it may have missed.
"""

import asyncio
import contextlib
import logging
import sqlite3
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, connections
from django.db.models import Max
from django.utils import timezone

from ic_core.threads import OneThreadPerProcess

from . import doorbell
from .changes import NOTIFY_CHANNEL, current_epoch
from .models import Change

log = logging.getLogger(__name__)

BATCH = 1000
# With LISTEN up, a look now and then only guards against a lost notification.
LISTENING_POLL_SECONDS = 1.0
LISTEN_HEALTH_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 5.0
HEALTHY_STEP_SECONDS = 10.0
# Changes are only needed until every process has read them: keep an hour, prune now and then.
KEEP_CHANGES_SECONDS = 3600
PRUNE_EVERY_SECONDS = 600

# This process's one reader thread, and with it the live channel's one database connection.
READER = OneThreadPerProcess("ic-live")


def _call_closing_on_error(fn, args):
    try:
        return fn(*args)
    except Exception:
        # A broken connection must not poison the next read: the next one connects again.
        connections.close_all()
        raise


async def in_reader_thread(fn, *args):
    """fn(*args) on the live reader's thread and database connection."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(READER.executor(), partial(_call_closing_on_error, fn, args))


@dataclass(frozen=True)
class Look:
    epoch: str
    changes: list
    newest_id: int


class SqliteWatch:
    """Whether any connection committed to the SQLite file since the last ask.

    `PRAGMA data_version` on a plain sqlite3 connection of its own takes microseconds, so the
    event loop asks it itself: an idle look costs no thread hop and no ORM. Anything it cannot
    tell (an error, a new file after a restore) counts as "changed", which only costs a look."""

    def __init__(self, path):
        self.path = path
        self._conn = None
        self._version = None

    def changed(self):
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=0.1)
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            self.close()
            return True
        changed, self._version = version != self._version, version
        return changed

    def close(self):
        if self._conn is not None:
            self._conn.close()
        self._conn, self._version = None, None


def sqlite_watch():
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    # An in-memory database (tests) has no file another connection could watch.
    return None if ":memory:" in name or "mode=memory" in name else SqliteWatch(name)


def look(after_id):
    rows = list(
        Change.objects.filter(id__gt=after_id)
        .order_by("id")
        .values_list("id", "kind", "circle_id", "key_id", "session", "seq")[:BATCH]
    )
    newest = rows[-1][0] if rows else newest_change_id()
    return Look(current_epoch(), rows, newest)


def newest_change_id():
    return Change.objects.aggregate(newest=Max("id"))["newest"] or 0


def prune_changes():
    """Deletes changes older than KEEP_CHANGES_SECONDS, but never the newest: it marks where
    the log stands, so that a log that went back (a restore) can be told from a pruned one."""
    cutoff = timezone.now() - timezone.timedelta(seconds=KEEP_CHANGES_SECONDS)
    newest = newest_change_id()
    Change.objects.filter(created_at__lt=cutoff, id__lt=newest).delete()


def listen_params():
    """psycopg connection arguments for the LISTEN connection: Django's own, minus what only
    its synchronous cursors use."""
    params = connection.get_connection_params()
    for sync_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(sync_only, None)
    params.setdefault("application_name", "inquirycircle-live-listen")
    return params


class ChangeFeed:
    """Calls `await on_changes(rows)` with each batch of new changes, and
    `await on_resync(epoch_changed)` when the log cannot be followed row by row: after an
    error, or when the database was replaced (its epoch changed, or the log went back)."""

    def __init__(self, on_changes, on_resync):
        self.on_changes = on_changes
        self.on_resync = on_resync
        self.last_id = None
        self.epoch = None
        self.listening = False
        self._watch = None
        self._bell = asyncio.Event()
        self._rang = False
        # Set once the feed knows where in the log it starts: every change committed after
        # that reaches the hub.
        self.started = asyncio.Event()
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS

    def ring(self):
        self._rang = True
        self._bell.set()

    async def run(self):
        """Forever: follow the log; on PostgreSQL, listen beside it."""
        token = doorbell.install(asyncio.get_running_loop(), self.ring)
        self._watch = await in_reader_thread(sqlite_watch)
        listener = None
        if connection.vendor == "postgresql":
            listener = asyncio.get_running_loop().create_task(self._listen_forever())
        try:
            await self._follow_forever()
        finally:
            doorbell.remove(token)
            if self._watch is not None:
                self._watch.close()
            if listener is not None:
                listener.cancel()

    async def _follow_forever(self):
        await forever(self._follow, self._after_failed_read)

    async def _after_failed_read(self, error):
        log.error("live feed: reading the change log failed; trying again", exc_info=error)
        # What happened meanwhile is still in the log, but a hub's own read may have failed
        # too: let it re-check every circle it follows.
        await self._resync(epoch_changed=False)

    async def _follow(self):
        if self.last_id is None:
            self.epoch, self.last_id = await in_reader_thread(_start)
            self.started.set()
            # The log is followed from its end as it is now: what was committed between the
            # first streams' opening and this first look would be skipped. The hub reads each
            # circle it follows once instead (a stream never gets a number twice).
            await self._resync(epoch_changed=False)
        while True:
            await self._wait()
            if self._nothing_committed():
                continue
            result = await in_reader_thread(self._look)
            if result.epoch != self.epoch or result.newest_id < self.last_id:
                # A restore: the log's numbers mean something else now. Start again from its end.
                self.epoch, self.last_id = result.epoch, result.newest_id
                await self._resync(epoch_changed=True)
                continue
            if result.changes:
                self.last_id = result.changes[-1][0]
                await self.on_changes(result.changes)
                if len(result.changes) == BATCH:
                    self.ring()  # more to read

    async def _resync(self, epoch_changed):
        try:
            await self.on_resync(epoch_changed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live feed: re-checking the followed circles failed")

    def _nothing_committed(self):
        """True when SQLite says no connection committed since the last look."""
        rang, self._rang = self._rang, False
        return not rang and self._watch is not None and not self._watch.changed()

    def _look(self):
        """Runs on the reader thread."""
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
            prune_changes()
        return look(self.last_id)

    async def _wait(self):
        timeout = settings.STREAM_POLL_SECONDS
        if self.listening:
            timeout = max(timeout, LISTENING_POLL_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._bell.wait(), timeout)
        self._bell.clear()

    async def _listen_forever(self):
        await forever(self._listen, self._after_lost_listen)

    async def _after_lost_listen(self, error):
        self.listening = False
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        log.warning(
            "live feed: the LISTEN connection failed (%s); polling every %s s until it is back",
            reason,
            settings.STREAM_POLL_SECONDS,
        )

    async def _listen(self):
        import psycopg

        params = await in_reader_thread(listen_params)
        async with await psycopg.AsyncConnection.connect(autocommit=True, **params) as conn:
            await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self.listening = True
            self.ring()  # whatever was committed while nobody listened
            while True:
                async for _ in conn.notifies(timeout=LISTEN_HEALTH_SECONDS):
                    self.ring()
                # Quiet for a while: make sure the connection is still there.
                await conn.execute("SELECT 1")


async def forever(step, on_error):
    """Runs `await step()` again and again; each error goes to `await on_error(error)`, then a
    pause that doubles up to MAX_BACKOFF_SECONDS, and starts again at 0.1 s after a step that
    ran well for a while. Only cancellation stops it."""
    backoff = 0.1
    while True:
        started = time.monotonic()
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await on_error(error)
        if time.monotonic() - started > HEALTHY_STEP_SECONDS:
            backoff = 0.1
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


def _start():
    return current_epoch(), newest_change_id()
