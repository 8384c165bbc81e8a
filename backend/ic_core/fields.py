"""Serializer fields that refuse what DRF would quietly coerce."""

import re
from datetime import UTC, date, time

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would turn 123 into "123"."""

    default_error_messages = {"invalid": gettext_lazy("Must be a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, and only those: not "yes", not 1."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """An integer, and only an integer: not "5", not 5.0, not true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    """A date written YYYY-MM-DD, and only that: not 2027-1-4, not a datetime, not a number."""

    default_error_messages = {
        "invalid": gettext_lazy("Must be a date as YYYY-MM-DD, like 2027-01-31.")
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not ISO_DATE.fullmatch(data):
            self.fail("invalid")
        try:
            return date.fromisoformat(data)
        except ValueError:  # 2027-02-30
            self.fail("invalid")


@extend_schema_field({"type": "string", "pattern": f"^{CLOCK_TIME.pattern}$", "example": "19:00"})
class ClockTimeField(serializers.Field):
    """A time of day written HH:MM on a 24-hour clock, like 07:30 or 19:00; a datetime.time."""

    default_error_messages = {
        "invalid": gettext_lazy("Must be a time as HH:MM on a 24-hour clock, like 19:00.")
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not CLOCK_TIME.fullmatch(data):
            self.fail("invalid")
        return time(int(data[:2]), int(data[3:]))

    def to_representation(self, value):
        return value.strftime("%H:%M")


class MillisecondDateTimeField(serializers.DateTimeField):
    """A moment in UTC to the millisecond, like 2027-01-31T18:00:00.250Z: for clocks that
    count down together."""

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
