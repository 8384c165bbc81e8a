"""Posting a message: numbered in its circle, stored, then announced to live streams."""

from django.db import transaction
from django.db.models import F

from circles.models import Circle
from live import changes

from .models import Message


@transaction.atomic
def post_message(circle, author, kind, body):
    # Bumping the counter first takes the row's write lock, so concurrent posts to one circle
    # get consecutive numbers on PostgreSQL as on SQLite.
    Circle.objects.filter(pk=circle.pk).update(last_seq=F("last_seq") + 1)
    seq = Circle.objects.values_list("last_seq", flat=True).get(pk=circle.pk)
    message = Message.objects.create(
        circle=circle,
        author=author,
        author_name=author.display_name,
        kind=kind,
        body=body,
        seq=seq,
    )
    # In the same transaction: every process hears of it exactly when it commits.
    changes.message_posted(circle.pk, seq)
    return message
