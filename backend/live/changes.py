"""Recording changes that open live streams must hear about. Actions call these inside their
own transaction, so a change is announced exactly when (and only if) it commits.

On PostgreSQL each change also sends NOTIFY, which PostgreSQL delivers at commit to every
worker on every machine that LISTENs; on SQLite the other workers find it by looking at the
log (live.feed). Either way this process's own hub is woken at commit by the doorbell.
"""

import hashlib

from django.db import connection, transaction
from django.utils import timezone

from . import doorbell
from .models import Change, Epoch, new_epoch

NOTIFY_CHANNEL = "ic_live"
EPOCH_ROW = 1


def session_digest(session_key):
    return hashlib.sha256(session_key.encode()).hexdigest()


def message_posted(circle_id, seq):
    _record(Change.Kind.MESSAGE, circle_id=circle_id, seq=seq)


def key_changed(key_id):
    _record(Change.Kind.KEY, key_id=key_id)


def session_ended(session_key):
    if session_key:
        _record(Change.Kind.SESSION, session=session_digest(session_key))


def circle_changed(circle_id):
    _record(Change.Kind.CIRCLE, circle_id=circle_id)


def room_moved(circle_id):
    _record(Change.Kind.ROOM, circle_id=circle_id)


def rhythm_changed(circle_id):
    """The circle's session, timer, run sheet or schedule changed: its pages read it again."""
    _record(Change.Kind.RHYTHM, circle_id=circle_id)


def voice_changed(circle_id, key_id=None):
    """A response, a signal or who is present changed: the circle's facilitators (and the key
    it concerns, if any) read the voice again."""
    _record(Change.Kind.VOICE, circle_id=circle_id, key_id=key_id)


@transaction.atomic
def database_replaced():
    """After a restore: a new epoch, so open pages notice that numbers may have gone back."""
    epoch, _ = Epoch.objects.get_or_create(pk=EPOCH_ROW)
    epoch.value = new_epoch()
    epoch.changed_at = timezone.now()
    epoch.save()
    _record(Change.Kind.EPOCH)
    return epoch.value


def current_epoch():
    # Made on first use, not by the migration, so that a migrated database stays empty of data
    # (copy_database copies only into an empty one); get_or_create settles a race of workers.
    epoch = Epoch.objects.filter(pk=EPOCH_ROW).values_list("value", flat=True).first()
    return epoch if epoch is not None else Epoch.objects.get_or_create(pk=EPOCH_ROW)[0].value


def _record(kind, **fields):
    Change.objects.create(kind=kind, **fields)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])
    transaction.on_commit(doorbell.ring)
