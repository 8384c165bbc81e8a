"""The change log: one row for each thing an open live stream must hear about.

Every worker process, on every machine, follows this log (live.feed) and hands each change to
its own streams, so the database is the only thing processes share. Rows are small and are
pruned after an hour; nothing reads them for history.
"""

import secrets

from django.db import models
from django.utils import timezone


def new_epoch():
    return secrets.token_hex(8)


class Change(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", "A message was posted"
        KEY = "key", "A key was revoked or changed"
        SESSION = "session", "A session ended (signed out)"
        CIRCLE = "circle", "A circle was changed or deleted"
        EPOCH = "epoch", "The database was replaced (restored)"
        ROOM = "room", "A circle's video call moved to a new room"
        RHYTHM = "rhythm", "A circle's session, timer, run sheet or schedule changed"
        VOICE = "voice", "A response, a signal or who is present changed in a circle"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Plain ids, not foreign keys: a deleted circle or key must still be announced.
    circle_id = models.BigIntegerField(null=True)
    key_id = models.BigIntegerField(null=True)
    # SHA-256 of the session key: the log never holds a usable session id.
    session = models.CharField(max_length=64, blank=True)
    seq = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"#{self.id} {self.kind}"


class Epoch(models.Model):
    """One row: a random value that changes whenever the database is replaced by a restore.

    Message numbers can go back after a restore; a page that sees the epoch change knows its
    numbers no longer mean the same messages and reloads.
    """

    value = models.CharField(max_length=32, default=new_epoch)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.value
