from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from rest_framework import serializers

from ic_core.fields import (
    ClockTimeField,
    MillisecondDateTimeField,
    StrictCharField,
    StrictDateField,
    StrictIntegerField,
)

from .models import (
    MAX_LABEL_LENGTH,
    MAX_RUN_SHEET_ITEMS,
    MAX_SKIPPED_DATES,
    Frequency,
    ItemKind,
    Schedule,
    TimerState,
)
from .recurrence import upcoming, zone_names

WEEKS_OF_MONTH = (1, 2, 3, 4, -1)
START_SECONDS = (10, 4 * 3600)
START_LIMITS = gettext_lazy("A timer runs for %(low)d to %(high)d seconds (4 hours).")
ADD_SECONDS = (1, 3600)
ADD_LIMITS = gettext_lazy("%(low)d to %(high)d seconds (an hour) are added at once.")
DEFAULT_ADD_SECONDS = 60
MAX_ID = 2**63 - 1

# Schedule ---------------------------------------------------------------------------------


class ScheduleSerializer(serializers.Serializer):
    """A circle's schedule, read and written whole (PATCH /api/circles/<slug>/)."""

    frequency = serializers.ChoiceField(choices=Frequency.choices)
    weekday = StrictIntegerField(min_value=0, max_value=6, help_text="Monday is 0, Sunday 6.")
    week_of_month = StrictIntegerField(
        required=False,
        allow_null=True,
        help_text="Monthly only, and then required: 1 to 4, or -1 for the last.",
    )
    time = ClockTimeField(help_text="The local time in timezone, 24-hour.")
    timezone = StrictCharField(max_length=64, help_text="An IANA name, like Europe/Berlin.")
    duration_minutes = StrictIntegerField(min_value=5, max_value=600)
    starts_on = StrictDateField(help_text="The first session is on or after this local date.")
    skipped_dates = serializers.ListField(
        child=StrictDateField(),
        max_length=MAX_SKIPPED_DATES,
        required=False,
        help_text="Local dates of sessions that do not take place.",
    )

    # A PATCH's partial validation reaches nested serializers and would let these be left out;
    # a schedule is always sent whole.
    REQUIRED = ("frequency", "weekday", "time", "timezone", "duration_minutes", "starts_on")

    def validate_week_of_month(self, value):
        if value is not None and value not in WEEKS_OF_MONTH:
            raise serializers.ValidationError(gettext("Must be 1, 2, 3, 4, or -1 for the last."))
        return value

    def validate_timezone(self, value):
        if value not in zone_names():
            sentence = gettext(
                "'%(zone)s' is not a time zone this server knows. "
                "Use an IANA name, like Europe/Berlin or America/New_York."
            )
            raise serializers.ValidationError(sentence % {"zone": value})
        return value

    def validate(self, attrs):
        required = gettext("This field is required.")  # DRF's sentence, and its translations
        missing = {name: required for name in self.REQUIRED if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        week = attrs.get("week_of_month")
        if attrs["frequency"] == Frequency.MONTHLY and week is None:
            raise serializers.ValidationError(
                {
                    "week_of_month": gettext(
                        # Translators: "it" is week_of_month, the week of the month.
                        "A monthly schedule needs it: 1 to 4, or -1 for the last."
                    )
                }
            )
        if attrs["frequency"] != Frequency.MONTHLY and week is not None:
            raise serializers.ValidationError(
                {
                    "week_of_month": gettext(
                        # Translators: "one" is week_of_month, the week of the month.
                        "Only a monthly schedule has one: leave it out, or null."
                    )
                }
            )
        attrs["week_of_month"] = week
        attrs["skipped_dates"] = sorted({day.isoformat() for day in attrs.get("skipped_dates", [])})
        if upcoming(Schedule(**attrs), timezone.now()) is None:
            raise serializers.ValidationError(
                gettext(
                    "This schedule has no session in the next two years: its first session "
                    "must be within two years, and not every one of them may be skipped."
                )
            )
        return attrs


class UpcomingSerializer(serializers.Serializer):
    """The session running now, else the next one (rhythm.recurrence.Occurrence)."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    running = serializers.BooleanField()


# Sessions ---------------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class SessionListSerializer(serializers.Serializer):
    sessions = SessionSerializer(many=True, help_text="Newest first, at most 50.")


class OpenSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    started_at = serializers.DateTimeField()


# Timer ------------------------------------------------------------------------------------


class TimerSerializer(serializers.Serializer):
    """The circle's countdown (rhythm.selectors.timer_view)."""

    state = serializers.ChoiceField(choices=TimerState.choices)
    duration_seconds = serializers.IntegerField(allow_null=True)
    ends_at = MillisecondDateTimeField(allow_null=True, help_text="Running only.")
    remaining_seconds = serializers.FloatField(allow_null=True, help_text="Paused only.")
    label = serializers.CharField(allow_blank=True)


class TimerActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "pause", "resume", "add", "stop"])
    seconds = StrictIntegerField(
        required=False,
        help_text="start: 10 to 14400 (required); add: 1 to 3600 (default 60).",
    )
    label = StrictCharField(
        max_length=MAX_LABEL_LENGTH, allow_blank=True, required=False, help_text="start only."
    )

    def validate(self, attrs):
        action = attrs["action"]
        if action == "start":
            if "seconds" not in attrs:
                raise serializers.ValidationError(
                    {"seconds": gettext("Required to start the timer: 10 to 14400 (4 hours).")}
                )
            _within(attrs["seconds"], START_SECONDS, START_LIMITS)
        elif action == "add":
            attrs.setdefault("seconds", DEFAULT_ADD_SECONDS)
            _within(attrs["seconds"], ADD_SECONDS, ADD_LIMITS)
        return attrs


def _within(value, limits, sentence):
    low, high = limits
    if not low <= value <= high:
        raise serializers.ValidationError({"seconds": sentence % {"low": low, "high": high}})


# Run sheet --------------------------------------------------------------------------------


class RunSheetItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    body = serializers.CharField(allow_blank=True, help_text="A timer's is its label.")
    minutes = serializers.IntegerField(allow_null=True, help_text="Timers only.")


class RunSheetItemWriteSerializer(serializers.Serializer):
    """A new item (POST) or a change to one (PATCH, partial, on the item as instance): the
    result must be a whole item."""

    kind = serializers.ChoiceField(choices=ItemKind.choices)
    body = StrictCharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text="Required for a prompt or announcement; a timer's optional label (120 at most).",
    )
    minutes = StrictIntegerField(
        min_value=1, max_value=240, allow_null=True, required=False, help_text="Timers only."
    )

    def validate(self, attrs):
        item = self.instance
        merged = {
            "kind": item.kind if item else None,
            "body": item.body if item else "",
            "minutes": item.minutes if item else None,
            **attrs,
        }
        if merged["kind"] == ItemKind.TIMER:
            merged["body"] = merged["body"].strip()
            if merged["minutes"] is None:
                raise serializers.ValidationError(
                    {"minutes": gettext("A timer needs minutes: 1 to 240.")}
                )
            if len(merged["body"]) > MAX_LABEL_LENGTH:
                sentence = ngettext(
                    "A timer's label is at most %(count)d character.",
                    "A timer's label is at most %(count)d characters.",
                    MAX_LABEL_LENGTH,
                )
                raise serializers.ValidationError({"body": sentence % {"count": MAX_LABEL_LENGTH}})
            return merged
        if "minutes" not in attrs:
            merged["minutes"] = None  # a timer made a prompt keeps no minutes
        if merged["minutes"] is not None:
            raise serializers.ValidationError({"minutes": gettext("Only a timer has minutes.")})
        if not merged["body"].strip():
            raise serializers.ValidationError(
                {"body": gettext("A prompt or announcement needs a body.")}
            )
        return merged


class RunSheetOrderSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_RUN_SHEET_ITEMS,
        allow_empty=True,
        help_text="Every item id of the circle's run sheet, once each, in the new order.",
    )


class RunSheetProgressSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="Items sent in the open session (0 without).")
    total = serializers.IntegerField()


class RunSheetSerializer(RunSheetProgressSerializer):
    items = RunSheetItemSerializer(many=True)


class RunSheetSentSerializer(RunSheetProgressSerializer):
    sent = RunSheetItemSerializer()


# The page's view of it all ----------------------------------------------------------------


class RhythmSerializer(serializers.Serializer):
    server_time = MillisecondDateTimeField(
        help_text="The server's clock when it answered: count the timer down against it."
    )
    session = OpenSessionSerializer(allow_null=True)
    timer = TimerSerializer()
    upcoming = UpcomingSerializer(allow_null=True)
    run_sheet = RunSheetProgressSerializer()


class CalendarLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Secret: whoever has it can read the calendar.")
