"""Backups on a schedule, as a process of the running stack (manage.py run_backups).

Expired participant records are pruned before each backup (voice.retention). One backup at
start, unless the newest one is younger than the interval (a restart or a deploy keeps the
rhythm instead of adding a backup, which would push an older one out), then one every
interval. Each logs one JSON line, "backup made" or "backup failed". A failed one is tried again
after a minute, then after twice as long each time, never later than the interval; the
process itself carries on, since a stopped scheduler would take no backups at all.

SIGTERM or SIGINT stop it at once, also in the middle of a backup: that backup is abandoned
(pg_dump is killed, the temporary file removed) and nothing is left that counts as a backup.
"""

import logging
import signal
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from voice.retention import prune as prune_voice

from .backups import BackupError, list_backups, make_backup

log = logging.getLogger("ic.backup")

# settings.BACKUP_INTERVAL: seconds between two backups, from IC_BACKUP_INTERVAL.
INTERVAL_SETTING = "BACKUP_INTERVAL"
DEFAULT_INTERVAL = 24 * 3600
FIRST_RETRY = 60
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def configured_interval():
    return getattr(settings, INTERVAL_SETTING, DEFAULT_INTERVAL)


class Stopped(BaseException):
    """A stop signal arrived: base of no `except Exception`, so nothing on the way swallows it,
    and every `finally` runs."""


class Schedule:
    def __init__(self, directory, keep, interval):
        self.directory = directory
        self.keep = keep
        self.interval = interval
        self.failures = 0
        self._stopping = None
        self._interruptible = False

    def run(self):
        """Forever, until SIGTERM or SIGINT."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            self._run()
        except Stopped:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("backups stopped", extra={"signal": signal.Signals(self._stopping).name})

    def _run(self):
        wait = self.first_wait()
        log.info(
            "backups scheduled",
            extra={
                "directory": str(self.directory),
                "interval_seconds": self.interval,
                "keep": self.keep,
                "next_in_seconds": round(wait),
            },
        )
        while True:
            self.sleep(wait)
            wait = self.back_up()

    def first_wait(self):
        """Seconds until the first backup: none if the newest is as old as the interval."""
        try:
            made = [b for b in list_backups(self.directory) if not b.pre_restore]
        except OSError:
            return 0.0  # the backup says what is wrong with the folder
        return max(0.0, self.interval - made[0].age_seconds()) if made else 0.0

    def back_up(self):
        """One backup, logged; the seconds until the next one."""
        started = time.monotonic()
        prune_expired()
        try:
            with self.interruptible():
                made = make_backup(self.directory, self.keep)
        except Exception as exc:
            self.failures += 1
            retry = min(self.interval, FIRST_RETRY * 2 ** (self.failures - 1))
            log.error(
                "backup failed",
                # A BackupError says what to do; anything else is a bug, with its traceback.
                exc_info=None if isinstance(exc, BackupError) else exc,
                extra={
                    "error": str(exc),
                    "duration_ms": elapsed_ms(started),
                    "failures": self.failures,
                    "next_in_seconds": retry,
                },
            )
            return retry
        finally:
            connections.close_all()  # no connection held open between two backups
        self.failures = 0
        log.info(
            "backup made",
            extra={
                "file": str(made.backup.path),
                "size": made.backup.size,
                "duration_ms": elapsed_ms(started),
                "rows": sum(made.counts.values()),
                "pruned": [str(p) for p in made.pruned],
                "next_in_seconds": self.interval,
            },
        )
        return max(0.0, self.interval - (time.monotonic() - started))

    def sleep(self, seconds):
        with self.interruptible():
            time.sleep(seconds)

    # Stopping. The handler raises Stopped only where that is safe to do: while sleeping or
    # backing up, not while a log line is half written. Elsewhere the next sleep raises it.

    def _on_signal(self, signum, frame):
        self._stopping = signum
        if self._interruptible:
            raise Stopped

    @contextmanager
    def interruptible(self):
        self._interruptible = True
        try:
            if self._stopping:  # arrived while nothing could be interrupted
                raise Stopped
            yield
        finally:
            self._interruptible = False


def prune_expired():
    """What the retention setting says to delete goes before the backup, so no backup holds it
    (voice.retention). A failure is logged: the backup is taken all the same."""
    try:
        deleted = prune_voice()
    except Exception as exc:
        log.error("pruning expired records failed", exc_info=exc, extra={"error": str(exc)})
        return
    log.info("expired records pruned", extra={"deleted": deleted})


def elapsed_ms(started):
    return round((time.monotonic() - started) * 1000, 1)
