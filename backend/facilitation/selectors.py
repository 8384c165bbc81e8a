import json

from django.db.models import Subquery
from django.db.models.functions import Coalesce

from .models import Kind, Message
from .serializers import MessageSerializer


def messages_after(circle_id, after_seq, limit=None):
    messages = Message.objects.filter(circle_id=circle_id, seq__gt=after_seq).order_by("seq")
    return list(messages[:limit] if limit else messages)


def messages_before(circle_id, before_seq, limit):
    """The newest `limit` messages below before_seq (None: the newest of all), oldest first."""
    messages = Message.objects.filter(circle_id=circle_id)
    if before_seq is not None:
        messages = messages.filter(seq__lt=before_seq)
    return list(reversed(messages.order_by("-seq")[:limit]))


def has_messages(circle_id, **seq_lookup):
    return Message.objects.filter(circle_id=circle_id, **seq_lookup).exists()


def current_prompt(circle):
    """The prompt pinned for the circle: its latest prompt, unless a session has ended since
    (rhythm.Session.end_seq, the circle's last number at its end), which unpins it. What a late
    joiner needs to see first."""
    last_end = circle.sessions.filter(end_seq__isnull=False).order_by("-end_seq")[:1]
    after = Coalesce(Subquery(last_end.values("end_seq")), 0)
    prompts = Message.objects.filter(circle=circle, kind=Kind.PROMPT, seq__gt=after)
    return prompts.order_by("-seq").first()


def sse_event(message):
    """A message as one Server-Sent Event; its id is the sequence number."""
    data = json.dumps(MessageSerializer(message).data, ensure_ascii=False)
    return f"id: {message.seq}\ndata: {data}\n\n".encode()


def encoded_messages_after(circle_id, after_seq, limit):
    """[(seq, event bytes)] for the messages after after_seq: encoded once per process."""
    return [(m.seq, sse_event(m)) for m in messages_after(circle_id, after_seq, limit)]
