"""A circle's schedule as an iCalendar document (RFC 5545), for calendar apps: one recurring
event, in the schedule's own time zone, with the skipped dates left out."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from .models import Frequency
from .recurrence import first_start, interval, skipped, start_near

PRODID = "-//InquiryCircle//Session rhythm//EN"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A start further back is moved forward (keeping its weeks): apps need no years of history,
# and the time zone's definition stays short.
HISTORY = timedelta(days=366)
ZONE_AHEAD = timedelta(days=10 * 366)


def recurrence_rule(schedule):
    day = WEEKDAYS[schedule.weekday]
    if schedule.frequency == Frequency.MONTHLY:
        return {"FREQ": "MONTHLY", "BYDAY": f"{schedule.week_of_month}{day}"}
    rule = {"FREQ": "WEEKLY", "BYDAY": day}
    if interval(schedule) > 1:
        rule["INTERVAL"] = interval(schedule)
    return rule


def event_start(schedule, today):
    """DTSTART: the first session, or for an old schedule one from about a year ago."""
    first = first_start(schedule)
    if first.date() < today - HISTORY:
        return start_near(schedule, today - HISTORY)
    return first


def session_event(circle, schedule, circle_url, host, today):
    zone = ZoneInfo(schedule.timezone)
    start = event_start(schedule, today).replace(tzinfo=zone)
    event = Event()
    # The same for as long as the circle exists, whatever its schedule becomes: an app that
    # subscribed updates the event instead of adding another.
    event.add("uid", f"circle-{circle.pk}-sessions@{host}")
    event.add("dtstamp", schedule.changed_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=schedule.duration_minutes))
    event.add("rrule", recurrence_rule(schedule))
    exdates = [
        datetime.combine(day, schedule.time, tzinfo=zone)
        for day in sorted(skipped(schedule))
        if day >= start.date()
    ]
    if exdates:
        event.add("exdate", exdates)
    event.add("summary", circle.name)
    description = "\n\n".join(part for part in (circle.description.strip(), circle_url) if part)
    event.add("description", description)
    event.add("url", circle_url)
    return event, start


def circle_calendar(circle, schedule, circle_url, host, today):
    """The document's bytes; without a schedule, a calendar with no events."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", circle.name)
    if schedule is not None:
        event, start = session_event(circle, schedule, circle_url, host, today)
        calendar.add_component(event)
        # The zone's definition (VTIMEZONE) for the apps that do not know IANA names.
        calendar.add_missing_timezones(
            first_date=start.date() - timedelta(days=1), last_date=today + ZONE_AHEAD
        )
    return calendar.to_ical()
