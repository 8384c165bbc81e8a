from django.db import models
from django.utils import timezone

MAX_BODY_LENGTH = 2000


class Kind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    PROMPT = "prompt", "Prompt"
    TIME_CUE = "time_cue", "Time cue"
    # A participant's response to a prompt, shared with the circle by the facilitator (voice).
    RESPONSE = "response", "Shared response"


# What a facilitator may post themselves; a shared response is posted by sharing one.
POSTABLE_KINDS = [Kind.ANNOUNCEMENT, Kind.PROMPT, Kind.TIME_CUE]


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


class Place(models.TextChoices):
    ROOM = "room", "In the room (the circle's page, with its live stream open)"
    CALL = "call", "In the video call (as the page reports it)"


class VisitQuerySet(models.QuerySet):
    def open(self):
        return self.filter(left_at__isnull=True)


class Visit(models.Model):
    """Someone in a circle's room or call, from when the server saw them come to when it saw
    them go (facilitation.presence): what presence and attendance are made of. seen_at is
    renewed while the visit lasts, so a visit its worker could not close (it died) ends there."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="visits")
    key = models.ForeignKey(
        "access.AccessKey", null=True, on_delete=models.SET_NULL, related_name="visits"
    )
    # As at the time, so the register reads the same after key changes.
    person = models.CharField(max_length=80)
    role = models.CharField(max_length=16)
    place = models.CharField(max_length=8, choices=Place.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)
    # A room visit's stream, as its worker names it (facilitation.presence.record).
    stream_token = models.CharField(max_length=32, blank=True, db_index=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        indexes = [
            models.Index(fields=["circle", "left_at"], name="visit_circle_open"),
            models.Index(fields=["circle", "joined_at"], name="visit_circle_joined"),
        ]

    def __str__(self):
        return f"{self.circle_id}: {self.person} in the {self.place} from {self.joined_at}"
