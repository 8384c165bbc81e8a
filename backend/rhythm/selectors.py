"""What a circle's rhythm is now: its schedule and next session, its open session, timer and
run sheet, as the pages (and the circle's detail, circles.views) show them."""

from dataclasses import dataclass

from django.utils import timezone

from .calendar_links import looks_like_a_token, token_hash
from .models import CalendarLink, RunSheetItem, Schedule, Session, Timer, TimerState
from .recurrence import upcoming

SESSIONS_LISTED = 50
IDLE = {
    "state": TimerState.IDLE,
    "duration_seconds": None,
    "ends_at": None,
    "remaining_seconds": None,
    "label": "",
}


@dataclass(frozen=True)
class Plan:
    """A circle's schedule, and its session running now or next (None: none within two
    years)."""

    schedule: Schedule
    upcoming: object


def plans_of(circles, now=None):
    """{circle id: Plan} for those of the circles that have a schedule, in one query."""
    now = now or timezone.now()
    schedules = Schedule.objects.filter(circle__in=[circle.pk for circle in circles])
    return {s.circle_id: Plan(s, upcoming(s, now)) for s in schedules}


def plan_of(circle, now=None):
    return plans_of([circle], now).get(circle.pk)


def open_session(circle):
    return Session.objects.filter(circle=circle).open().first()


def sessions_of(circle):
    return list(Session.objects.filter(circle=circle)[:SESSIONS_LISTED])


def timer_of(circle):
    return Timer.objects.filter(circle=circle).first()


def timer_view(timer):
    """The timer as the API shows it: ends_at only while running, what is left only while
    paused."""
    if timer is None or timer.state == TimerState.IDLE:
        return dict(IDLE)
    return {
        "state": timer.state,
        "duration_seconds": timer.duration_seconds,
        "ends_at": timer.ends_at if timer.state == TimerState.RUNNING else None,
        "remaining_seconds": (
            round(timer.remaining_seconds, 3) if timer.state == TimerState.PAUSED else None
        ),
        "label": timer.label,
    }


def run_sheet_items(circle):
    return list(RunSheetItem.objects.filter(circle=circle))


def run_sheet_progress(circle, session):
    """{"position", "total"}: items sent in the circle's open session (None: no items sent),
    and the sheet's length. Participants get the same numbers."""
    total = RunSheetItem.objects.filter(circle=circle).count()
    position = min(session.run_sheet_position, total) if session is not None else 0
    return {"position": position, "total": total}


def rhythm_of(circle, now=None):
    """Everything a circle's page needs to show its rhythm, with the server's clock."""
    now = now or timezone.now()
    session = open_session(circle)
    plan = plan_of(circle, now)
    return {
        "server_time": now,
        "session": session,
        "timer": timer_view(timer_of(circle)),
        "upcoming": plan.upcoming if plan else None,
        "run_sheet": run_sheet_progress(circle, session),
    }


def circle_of_calendar_link(token):
    """The circle a subscribe link's token shows, or None: an unknown or revoked token, or a
    key that is revoked, expired or no longer opens the circle."""
    if not looks_like_a_token(token):
        return None
    link = (
        CalendarLink.objects.select_related("key", "circle")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not link.key.is_usable():
        return None
    return link.key.visible_circles().filter(pk=link.circle_id).first()
