from .models import Kind, Message


def messages_after(circle_id, after_seq, limit=None):
    messages = Message.objects.filter(circle_id=circle_id, seq__gt=after_seq).order_by("seq")
    return list(messages[:limit] if limit else messages)


def current_prompt(circle):
    """The circle's latest prompt: what a late joiner needs to see first."""
    return Message.objects.filter(circle=circle, kind=Kind.PROMPT).order_by("-seq").first()
