"""Posting a message: numbered in its circle, stored, then announced to live streams."""

from django.db import IntegrityError, transaction
from django.db.models import F

from circles.models import Circle
from live import changes

from .models import Message


class RequestKeyReused(Exception):
    """The Idempotency-Key names an earlier message that is not this one."""


def post_message_once(circle, author, kind, body, request_key):
    """(message, created): posting again with the same request_key (the client's
    Idempotency-Key) returns the message first posted with it, so a facilitator whose answer
    was lost can send again without a duplicate."""
    earlier = _posted_with(circle, request_key)
    if earlier is not None:
        return _same_or_refused(earlier, author, kind, body), False
    try:
        return post_message(circle, author, kind, body, request_key), True
    except IntegrityError:
        # The same key, posted at the same moment over another connection, won the race.
        earlier = _posted_with(circle, request_key)
        if earlier is None:
            raise
        return _same_or_refused(earlier, author, kind, body), False


@transaction.atomic
def post_message(circle, author, kind, body, request_key=None, author_name=None):
    """author_name: the name the feed shows, if not the author's (a shared response shows its
    participant's, or none)."""
    # Bumping the counter first takes the row's write lock, so concurrent posts to one circle
    # get consecutive numbers on PostgreSQL as on SQLite.
    Circle.objects.filter(pk=circle.pk).update(last_seq=F("last_seq") + 1)
    seq = Circle.objects.values_list("last_seq", flat=True).get(pk=circle.pk)
    # Under the same lock as starting and ending sessions (rhythm.actions): the session open
    # now stays open until this commits. `circle.sessions` is rhythm's relation; facilitation
    # imports nothing of rhythm, which builds on it.
    session = circle.sessions.filter(ended_at__isnull=True).values_list("pk", flat=True).first()
    message = Message.objects.create(
        circle=circle,
        author=author,
        author_name=author_name or author.display_name,
        kind=kind,
        body=body,
        seq=seq,
        request_key=request_key or "",
        session_id=session,
    )
    # In the same transaction: every process hears of it exactly when it commits.
    changes.message_posted(circle.pk, seq)
    return message


def _posted_with(circle, request_key):
    return Message.objects.filter(circle=circle, request_key=request_key).first()


def _same_or_refused(earlier, author, kind, body):
    if (earlier.author_id, earlier.kind, earlier.body) != (author.pk, kind, body):
        raise RequestKeyReused(earlier.request_key)
    return earlier
