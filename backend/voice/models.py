"""What participants say back in the circle's own channel: responses to the pinned prompt and
signals (a raised hand, "I'm here", "I need a moment"). Who is present is facilitation's
(Visit); the attendance register is read from it (voice.attendance)."""

from django.db import models
from django.utils.timezone import now

MAX_RESPONSE_LENGTH = 500
ANONYMOUS_NAME = "A participant"


class SharedAs(models.TextChoices):
    NAMED = "named", "With the participant's name"
    ANONYMOUS = "anonymous", "Anonymously"


class PromptResponse(models.Model):
    """A participant's answer to a prompt: the facilitator's alone, unless they share it (then
    it is also a message of the feed, shared_message)."""

    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="prompt_responses"
    )
    prompt = models.ForeignKey(
        "facilitation.Message", on_delete=models.CASCADE, related_name="responses"
    )
    # The session open when it was sent, if one was.
    session = models.ForeignKey(
        "rhythm.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        "access.AccessKey", null=True, on_delete=models.SET_NULL, related_name="prompt_responses"
    )
    author_name = models.CharField(max_length=80)
    body = models.TextField(max_length=MAX_RESPONSE_LENGTH)
    created_at = models.DateTimeField(default=now)
    shared_as = models.CharField(max_length=16, choices=SharedAs.choices, blank=True)
    shared_message = models.ForeignKey(
        "facilitation.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["author", "created_at"], name="response_author_recent"),
            models.Index(fields=["circle", "created_at"], name="response_circle_recent"),
        ]

    def __str__(self):
        return f"{self.circle_id}: response {self.pk} to #{self.prompt_id}"


class SignalKind(models.TextChoices):
    HAND = "hand", "A raised hand"
    HERE = "here", "I'm here"
    MOMENT = "moment", "I need a moment"


class Signal(models.Model):
    """A participant's signal, from raised to lowered. A signal raised before the circle's
    last session ended is over with it, lowered or not (voice.selectors.signals_since)."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="signals")
    key = models.ForeignKey("access.AccessKey", on_delete=models.CASCADE, related_name="signals")
    person = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=SignalKind.choices)
    raised_at = models.DateTimeField(default=now)
    lowered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        indexes = [
            models.Index(fields=["circle", "lowered_at"], name="signal_circle_up"),
            models.Index(fields=["key", "raised_at"], name="signal_key_recent"),
        ]

    def __str__(self):
        return f"{self.circle_id}: {self.person} {self.kind}"
