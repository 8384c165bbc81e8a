"""When a schedule's sessions are: its occurrences, counted in the schedule's own time zone.

dateutil's rrule steps through wall-clock (naive) times of the zone; each occurrence is then
placed in the zone and converted to UTC. So a session at 19:00 Europe/Berlin is 18:00 UTC in
winter and 17:00 UTC in summer. A wall-clock time that a clock change skips (02:30 on the
night clocks go forward) is read with the offset from before the change (zoneinfo, fold=0).

The first session is the first matching day on or after starts_on; biweekly sessions then
follow every other week from it, so starts_on also chooses which weeks.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from .models import Frequency

# A schedule must have a session within this; one without is refused (it is a mistake).
HORIZON = relativedelta(years=2)
# What zoneinfo can open but is no IANA zone a person lives in.
NOT_ZONES = {"localtime", "Factory", "posixrules"}


@lru_cache(maxsize=1)
def zone_names():
    """The IANA time zone names this server knows (the system's, else the tzdata package's)."""
    return frozenset(
        name
        for name in available_timezones()
        if name not in NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


@dataclass(frozen=True)
class Occurrence:
    """One session of a schedule, in UTC; running if it has started and not yet ended."""

    starts_at: datetime
    ends_at: datetime
    running: bool


def _frequency(schedule):
    return MONTHLY if schedule.frequency == Frequency.MONTHLY else WEEKLY


def _day(schedule):
    day = weekday(schedule.weekday)
    return day(schedule.week_of_month) if schedule.frequency == Frequency.MONTHLY else day


def interval(schedule):
    return 2 if schedule.frequency == Frequency.BIWEEKLY else 1


def first_start(schedule):
    """The wall-clock start of the schedule's first session."""
    start = datetime.combine(schedule.starts_on, schedule.time)
    return rrule(_frequency(schedule), byweekday=_day(schedule), dtstart=start, count=1)[0]


def start_near(schedule, day):
    """A wall-clock session start no later than the first session on or after `day` (the
    first session itself, when that is later): where to begin counting instead of at a
    starts_on long past."""
    first = first_start(schedule)
    if first.date() >= day:
        return first
    if schedule.frequency == Frequency.MONTHLY:
        month = datetime.combine(day.replace(day=1), schedule.time)
        near = rrule(MONTHLY, byweekday=_day(schedule), dtstart=month, count=1)[0]
        return max(first, near)
    step = 7 * interval(schedule)
    return first + timedelta(days=(day - first.date()).days // step * step)


def wall_clock_starts(schedule, from_start):
    """The wall-clock starts of the sessions from from_start (one of them) on, endlessly."""
    return rrule(
        _frequency(schedule),
        interval=interval(schedule),
        byweekday=_day(schedule),
        dtstart=from_start,
    )


def skipped(schedule):
    return {date.fromisoformat(day) for day in schedule.skipped_dates}


def sessions_ending_after(moment, schedule):
    """(start, end) in UTC of the sessions that end after moment, in order, skipped dates
    left out. Endless: the caller stops."""
    zone = ZoneInfo(schedule.timezone)
    length = timedelta(minutes=schedule.duration_minutes)
    # A day early: the zone's offset is not known before the date is.
    day = (moment - length).astimezone(zone).date() - timedelta(days=1)
    left_out = skipped(schedule)
    for local in wall_clock_starts(schedule, start_near(schedule, day)):
        if local.date() in left_out:
            continue
        start = local.replace(tzinfo=zone).astimezone(UTC)
        if start + length > moment:
            yield start, start + length


def upcoming(schedule, now):
    """The session running at `now`, else the next one; None if there is none within the
    HORIZON (all skipped, or starts_on too far ahead)."""
    horizon = now + HORIZON
    if schedule.starts_on > horizon.astimezone(ZoneInfo(schedule.timezone)).date():
        return None  # and nothing is counted up to a starts_on in the year 9999
    # At most MAX_SKIPPED_DATES sessions are left out, so the first one comes soon.
    start, end = next(sessions_ending_after(now, schedule))
    if start > horizon:
        return None
    return Occurrence(start, end, running=start <= now)
