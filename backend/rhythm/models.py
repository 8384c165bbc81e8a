"""A circle's rhythm: when it meets (Schedule), the sessions it holds (Session), the countdown
everyone sees (Timer) and the facilitator's run sheet (RunSheetItem); and the calendar
subscribe links of its members (CalendarLink).

All of it lives in the database, so every worker and replica answers alike: the timer is a
row, not a task in some process, and its end is a timestamp every server compares with its
own clock.
"""

from django.db import models
from django.utils.timezone import now

MAX_RUN_SHEET_ITEMS = 100
MAX_SKIPPED_DATES = 100
MAX_LABEL_LENGTH = 120


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every other week"
    MONTHLY = "monthly", "Once a month, on the nth (or last) weekday"


class Schedule(models.Model):
    """When a circle meets: a wall-clock time in an IANA time zone, so a session at 19:00
    Europe/Berlin stays at 19:00 there across daylight saving time (rhythm.recurrence)."""

    circle = models.OneToOneField(
        "circles.Circle", on_delete=models.CASCADE, related_name="schedule"
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(help_text="Monday is 0, Sunday 6.")
    # Monthly only: 1 to 4, or -1 for the last such weekday of the month.
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    time = models.TimeField(help_text="Local to timezone.")
    timezone = models.CharField(max_length=64, help_text="An IANA name, like Europe/Berlin.")
    duration_minutes = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    # Local dates (YYYY-MM-DD) of the occurrences that do not take place, sorted.
    skipped_dates = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(default=now)

    def __str__(self):
        return f"{self.circle_id}: {self.frequency} at {self.time:%H:%M} {self.timezone}"


class SessionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class Session(models.Model):
    """One meeting of a circle, from the facilitator's start to their end. At most one is open
    per circle; messages posted while it is open belong to it (facilitation.Message.session)."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField(default=now)
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        "access.AccessKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The circle's last message number when the session ended: the pinned prompt is the latest
    # prompt above it (facilitation.selectors.current_prompt). Numbers, not times: replicas'
    # clocks may differ by a little, the numbers of one circle never do.
    end_seq = models.PositiveBigIntegerField(null=True, blank=True)
    # How many run sheet items were sent in this session: the index of the next one.
    run_sheet_position = models.PositiveIntegerField(default=0)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_session_per_circle",
            )
        ]

    def __str__(self):
        return f"{self.circle_id}: session {self.pk} from {self.started_at:%Y-%m-%d %H:%M}"


class TimerState(models.TextChoices):
    IDLE = "idle", "Idle"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    FINISHED = "finished", "Finished"


class Timer(models.Model):
    """A circle's one countdown. Running, it is an end time (ends_at): every page counts down
    to it against the server's clock (rhythm state's server_time), so all show the same."""

    circle = models.OneToOneField("circles.Circle", on_delete=models.CASCADE, related_name="timer")
    state = models.CharField(max_length=16, choices=TimerState.choices, default=TimerState.IDLE)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Running: when it reaches zero. Finished: when it did.
    ends_at = models.DateTimeField(null=True, blank=True)
    # Paused: what was left when it was paused.
    remaining_seconds = models.FloatField(null=True, blank=True)
    label = models.CharField(max_length=MAX_LABEL_LENGTH, blank=True)
    # The time cue at zero is posted in their name.
    started_by = models.ForeignKey(
        "access.AccessKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=now)

    def __str__(self):
        return f"{self.circle_id}: timer {self.state}"


class ItemKind(models.TextChoices):
    PROMPT = "prompt", "Prompt"
    ANNOUNCEMENT = "announcement", "Announcement"
    TIMER = "timer", "Timer"


class RunSheetItem(models.Model):
    """One step of the facilitator's plan: a message to send, or a timer to start. The sheet
    stays from session to session; each session sends it from the top."""

    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="run_sheet_items"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    # The message (prompt, announcement) or the timer's label (timer).
    body = models.TextField(max_length=2000, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["circle", "position", "id"]

    def __str__(self):
        return f"{self.circle_id}: {self.position}. {self.kind}"


class CalendarLink(models.Model):
    """A member's secret address for their circle's calendar, for calendar apps that cannot
    sign in. Only a keyed hash of its token is stored (rhythm.calendar_links); one per key and
    circle, so making a new one revokes the old."""

    key = models.ForeignKey(
        "access.AccessKey", on_delete=models.CASCADE, related_name="calendar_links"
    )
    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="calendar_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "circle"], name="one_calendar_link_per_key")
        ]

    def __str__(self):
        return f"calendar link of key {self.key_id} for circle {self.circle_id}"
