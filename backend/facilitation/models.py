from django.db import models
from django.utils import timezone

MAX_BODY_LENGTH = 2000


class Kind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    PROMPT = "prompt", "Prompt"
    TIME_CUE = "time_cue", "Time cue"


class Message(models.Model):
    """A facilitator's message to a circle. Plain text: clients must never render it as HTML."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        "access.AccessKey", null=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # The author's display name when they posted, so the feed reads the same after key changes.
    author_name = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    body = models.TextField(max_length=MAX_BODY_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    # Per circle, only grows; live streams use it as the SSE event id.
    seq = models.PositiveBigIntegerField()
    # The client's Idempotency-Key: a post sent again (the answer was lost) is the same message.
    request_key = models.CharField(max_length=64, blank=True, default="")
    # The circle's session that was open when it was posted (rhythm), if one was.
    session = models.ForeignKey(
        "rhythm.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )

    class Meta:
        ordering = ["circle", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "seq"], name="message_seq_unique_per_circle"),
            models.UniqueConstraint(
                fields=["circle", "request_key"],
                condition=~models.Q(request_key=""),
                name="message_request_key_unique_per_circle",
            ),
        ]

    def __str__(self):
        return f"{self.circle_id}#{self.seq} {self.kind}"
