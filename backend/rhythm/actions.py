"""State changes of a circle's rhythm. Views and tests call these; nothing else writes it.

Each is one transaction that first locks the circle's row, the lock post_message takes to
number a message: so the changes of one circle's rhythm and messages happen one at a time, in
one order (and never deadlock), on every worker of every replica. Each records a live change
(live.changes.rhythm_changed): at commit every open stream of the circle gets `event: rhythm`
and its page reads the rhythm again.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from access.models import AccessKey, Role
from circles.models import Circle
from facilitation.actions import post_message
from facilitation.models import Kind
from live import changes

from .calendar_links import new_token, token_hash
from .models import (
    MAX_LABEL_LENGTH,
    MAX_RUN_SHEET_ITEMS,
    CalendarLink,
    ItemKind,
    RunSheetItem,
    Schedule,
    Session,
    Timer,
    TimerState,
)

TIME_IS_UP = "Time is up"


class Refused(Exception):
    """The circle's rhythm does not allow this now (a 409); the message says why."""


class NotTheItems(Exception):
    """A new order that does not name each of the run sheet's items exactly once."""


def _lock(circle_id):
    """Locks the circle's row until the transaction ends."""
    Circle.objects.select_for_update().values_list("pk", flat=True).get(pk=circle_id)


# Schedule ---------------------------------------------------------------------------------


@transaction.atomic
def set_schedule(circle, fields):
    """fields: a whole schedule (ScheduleSerializer's validated data), or None for none."""
    _lock(circle.pk)
    if fields is None:
        Schedule.objects.filter(circle=circle).delete()
    else:
        Schedule.objects.update_or_create(
            circle=circle, defaults={**fields, "changed_at": timezone.now()}
        )
    changes.rhythm_changed(circle.pk)


# Sessions ---------------------------------------------------------------------------------


@transaction.atomic
def start_session(circle, key):
    """Opens a session; the run sheet is sent from its top again."""
    _lock(circle.pk)
    if Session.objects.filter(circle=circle).open().exists():
        raise Refused(
            gettext("A session is already open in this circle. End it before starting another.")
        )
    session = Session.objects.create(circle=circle, started_by=key)
    changes.rhythm_changed(circle.pk)
    return session


@transaction.atomic
def end_session(circle):
    """Ends the open session: its prompt is no longer pinned, its timer stops, and the run
    sheet has nothing sent until the next session."""
    _lock(circle.pk)
    session = Session.objects.filter(circle=circle).open().first()
    if session is None:
        raise Refused(gettext("No session is open in this circle."))
    now = timezone.now()
    _finish_if_due(circle, now)  # a timer at zero says its cue, in the session, before it stops
    session.ended_at = now
    session.end_seq = Circle.objects.values_list("last_seq", flat=True).get(pk=circle.pk)
    session.save(update_fields=["ended_at", "end_seq"])
    timer = _timer(circle.pk)
    _stop(timer)
    _save(timer, now)
    changes.rhythm_changed(circle.pk)
    return session


# Timer ------------------------------------------------------------------------------------


def _timer(circle_id):
    """The circle's timer row, made on first use. The circle's row is locked, so no other
    transaction makes it meanwhile."""
    return Timer.objects.filter(circle_id=circle_id).first() or Timer.objects.create(
        circle_id=circle_id
    )


def _finish_if_due(circle, now):
    """Finishes the timer if it has reached zero, and posts its time cue. The UPDATE matches
    only a running timer that is due: of all callers, on every worker, one changes the row,
    and only that one posts."""
    due = Timer.objects.filter(circle=circle, state=TimerState.RUNNING, ends_at__lte=now)
    if not due.update(state=TimerState.FINISHED, changed_at=now):
        return False
    timer = Timer.objects.select_related("started_by").get(circle=circle)
    author = (
        timer.started_by
        or AccessKey.objects.filter(circles=circle, role=Role.FACILITATOR).order_by("pk").first()
    )
    if author is not None:  # a circle without any facilitator key has nobody to say it
        body = f"{TIME_IS_UP}: {timer.label}" if timer.label else TIME_IS_UP
        post_message(circle, author, Kind.TIME_CUE, body)
    changes.rhythm_changed(circle.pk)
    return True


def finish_timer_if_due(circle, now=None):
    """What every read of the timer, the pages' elapsed call and every timer change do first.
    Nothing is locked (no write transaction is begun) unless the timer is due."""
    now = now or timezone.now()
    due = Timer.objects.filter(circle=circle, state=TimerState.RUNNING, ends_at__lte=now)
    if not due.exists():
        return False
    with transaction.atomic():
        _lock(circle.pk)
        return _finish_if_due(circle, now)


@contextmanager
def _changing_timer(circle):
    """(timer, now) to change, in a transaction with the circle locked. A timer that has
    reached zero is finished first, in a transaction of its own: its cue stands even if the
    change is then refused (nothing pauses a timer that is already at zero)."""
    finish_timer_if_due(circle)
    with transaction.atomic():
        _lock(circle.pk)
        now = timezone.now()
        _finish_if_due(circle, now)
        timer = _timer(circle.pk)
        yield timer, now
        _save(timer, now)
        changes.rhythm_changed(circle.pk)


def _save(timer, now):
    timer.changed_at = now
    timer.save()


def start_timer(circle, key, seconds, label=""):
    with _changing_timer(circle) as (timer, now):
        _start(timer, now, key, seconds, label)
    return timer


def pause_timer(circle):
    with _changing_timer(circle) as (timer, now):
        if timer.state != TimerState.RUNNING:
            raise Refused(gettext("The timer is not running, so it cannot be paused."))
        timer.state = TimerState.PAUSED
        timer.remaining_seconds = max(0.0, (timer.ends_at - now).total_seconds())
        timer.ends_at = None
    return timer


def resume_timer(circle):
    with _changing_timer(circle) as (timer, now):
        if timer.state != TimerState.PAUSED:
            raise Refused(gettext("The timer is not paused, so it cannot be resumed."))
        timer.state = TimerState.RUNNING
        timer.ends_at = now + timedelta(seconds=timer.remaining_seconds)
        timer.remaining_seconds = None
    return timer


def add_to_timer(circle, seconds):
    with _changing_timer(circle) as (timer, _now):
        if timer.state == TimerState.RUNNING:
            timer.ends_at += timedelta(seconds=seconds)
        elif timer.state == TimerState.PAUSED:
            timer.remaining_seconds += seconds
        else:
            raise Refused(gettext("The timer is not running or paused. Start it to give it time."))
        timer.duration_seconds += seconds
    return timer


def stop_timer(circle):
    with _changing_timer(circle) as (timer, _now):
        _stop(timer)
    return timer


def _start(timer, now, key, seconds, label):
    timer.state = TimerState.RUNNING
    timer.duration_seconds = seconds
    timer.ends_at = now + timedelta(seconds=seconds)
    timer.remaining_seconds = None
    timer.label = label[:MAX_LABEL_LENGTH]
    timer.started_by = key


def _stop(timer):
    timer.state = TimerState.IDLE
    timer.duration_seconds = timer.ends_at = timer.remaining_seconds = None
    timer.label = ""


# Run sheet --------------------------------------------------------------------------------


@transaction.atomic
def add_item(circle, kind, body, minutes):
    """Adds an item at the end of the circle's run sheet."""
    _lock(circle.pk)
    items = RunSheetItem.objects.filter(circle=circle)
    if items.count() >= MAX_RUN_SHEET_ITEMS:
        sentence = ngettext(
            "A run sheet holds at most %(count)d item. Remove one to add another.",
            "A run sheet holds at most %(count)d items. Remove one to add another.",
            MAX_RUN_SHEET_ITEMS,
        )
        raise Refused(sentence % {"count": MAX_RUN_SHEET_ITEMS})
    last = items.aggregate(last=Max("position"))["last"]
    item = RunSheetItem.objects.create(
        circle=circle,
        position=0 if last is None else last + 1,
        kind=kind,
        body=body,
        minutes=minutes,
    )
    changes.rhythm_changed(circle.pk)
    return item


@transaction.atomic
def change_item(item, kind, body, minutes):
    _lock(item.circle_id)
    item.kind, item.body, item.minutes = kind, body, minutes
    item.save(update_fields=["kind", "body", "minutes"])
    changes.rhythm_changed(item.circle_id)
    return item


@transaction.atomic
def remove_item(item):
    """Removes the item. If it was already sent in the open session, the count of sent items
    goes down with it, so the next item to send stays the same."""
    _lock(item.circle_id)
    ids = list(RunSheetItem.objects.filter(circle_id=item.circle_id).values_list("pk", flat=True))
    if item.pk not in ids:
        return  # removed meanwhile
    session = Session.objects.filter(circle_id=item.circle_id).open().first()
    if session is not None and ids.index(item.pk) < session.run_sheet_position:
        session.run_sheet_position -= 1
        session.save(update_fields=["run_sheet_position"])
    item.delete()
    changes.rhythm_changed(item.circle_id)


@transaction.atomic
def reorder_items(circle, ids):
    """Puts the run sheet in the order of ids, which must name each item once."""
    _lock(circle.pk)
    items = {item.pk: item for item in RunSheetItem.objects.filter(circle=circle)}
    if len(ids) != len(set(ids)) or set(ids) != set(items):
        raise NotTheItems(len(items))
    for position, pk in enumerate(ids):
        items[pk].position = position
    RunSheetItem.objects.bulk_update(items.values(), ["position"])
    changes.rhythm_changed(circle.pk)


@transaction.atomic
def send_next_item(circle, key):
    """Sends the open session's next run sheet item: a prompt or announcement is posted as a
    message, a timer is started. Returns (item, position, total)."""
    _lock(circle.pk)
    now = timezone.now()
    session = Session.objects.filter(circle=circle).open().first()
    if session is None:
        raise Refused(gettext("No session is open. Start one to send the run sheet."))
    items = list(RunSheetItem.objects.filter(circle=circle))
    if session.run_sheet_position >= len(items):
        raise Refused(gettext("Every item of the run sheet has been sent in this session."))
    item = items[session.run_sheet_position]
    if item.kind == ItemKind.TIMER:
        _finish_if_due(circle, now)  # the timer it replaces, if due, still says its cue
        timer = _timer(circle.pk)
        _start(timer, now, key, item.minutes * 60, item.body)
        _save(timer, now)
    else:
        post_message(circle, key, item.kind, item.body)
    session.run_sheet_position += 1
    session.save(update_fields=["run_sheet_position"])
    changes.rhythm_changed(circle.pk)
    return item, session.run_sheet_position, len(items)


# Calendar subscribe links -----------------------------------------------------------------


@transaction.atomic
def new_calendar_link(key, circle):
    """A new secret token for key's calendar of circle; the key's previous link to it stops
    working. Returns the token: shown once, only its hash is kept."""
    AccessKey.objects.select_for_update().filter(pk=key.pk).first()  # one at a time per key
    token = new_token()
    CalendarLink.objects.update_or_create(
        key=key,
        circle=circle,
        defaults={"token_hash": token_hash(token), "created_at": timezone.now()},
    )
    return token


def revoke_calendar_link(key, circle):
    CalendarLink.objects.filter(key=key, circle=circle).delete()
