"""Who is in a circle's room and call, as the server sees it: the record presence and
attendance are made of (Visit).

A visit to the room is a live stream, from its opening to its closing. The worker's hub
gathers its streams' comings and goings and writes them a few times a second in one
transaction (record), on the live reader's thread, so that a reconnect storm costs a few
statements and the streams never wait for it. A visit to the call is what
the page reports from the IFrame API (set_in_call); leaving the room leaves the call too, since
a page without its stream is gone. While a stream is open its worker's hub renews seen_at (every
STREAM_AUDIT_SECONDS): a worker that dies cannot close its visits, and a visit not seen for
STALE_AUDITS audits counts as ended when it was last seen.

Each change records live.changes.voice_changed: the circle's facilitators read who is there.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from live import changes

from .models import Place, Visit

STALE_AUDITS = 2.5


def stale_after():
    """How long an open visit may go unseen before it counts as ended."""
    return timedelta(seconds=STALE_AUDITS * settings.STREAM_AUDIT_SECONDS)


@dataclass(frozen=True)
class Entry:
    """A stream opened: its token (Stream.token) names the visit from then on."""

    token: str
    circle_id: int
    key_id: int
    person: str
    role: str
    at: datetime


@transaction.atomic
def record(entries, exits, now=None):
    """Visits begun (Entry) and ended (tokens), of one worker, in one transaction: a reconnect
    storm of n streams costs a few statements, not n. A key's call visit ends with its last
    room visit in the circle. One voice change per circle."""
    now = now or timezone.now()
    Visit.objects.bulk_create(
        Visit(
            circle_id=e.circle_id,
            key_id=e.key_id,
            person=e.person,
            role=e.role,
            place=Place.ROOM,
            joined_at=e.at,
            seen_at=e.at,
            stream_token=e.token,
        )
        for e in entries
    )
    circles = {e.circle_id for e in entries}
    if exits:
        leaving = Visit.objects.filter(stream_token__in=list(exits)).open()
        gone = set(leaving.values_list("circle_id", "key_id"))
        leaving.update(left_at=now, seen_at=now)
        for circle_id, key_id in gone:
            theirs = Visit.objects.filter(circle_id=circle_id, key_id=key_id).open()
            if not theirs.filter(place=Place.ROOM).exists():
                theirs.filter(place=Place.CALL).update(left_at=now, seen_at=now)
        circles |= {circle_id for circle_id, _ in gone}
    for circle_id in sorted(circles):
        changes.voice_changed(circle_id)


def new_token():
    return secrets.token_hex(16)


def entered_room(circle_id, key_id, person, role):
    """One visit begun now (record, for one stream); its id."""
    token = new_token()
    record([Entry(token, circle_id, key_id, person, role, timezone.now())], [])
    return Visit.objects.values_list("pk", flat=True).get(stream_token=token)


def left_room(visit_id):
    """Ends one room visit (record, for one stream)."""
    token = Visit.objects.filter(pk=visit_id).values_list("stream_token", flat=True).first()
    if token:
        record([], [token])


@transaction.atomic
def set_in_call(circle, key, in_call):
    """The page says its person joined (True) or left (False) the call. Saying it twice is
    once: one open call visit per key and circle."""
    now = timezone.now()
    theirs = Visit.objects.filter(circle=circle, key=key, place=Place.CALL).open()
    if in_call and not theirs.exists():
        Visit.objects.create(
            circle=circle, key=key, person=key.display_name, role=key.role, place=Place.CALL
        )
    elif not in_call and theirs.exists():
        theirs.update(left_at=now, seen_at=now)
    else:
        return
    changes.voice_changed(circle.pk)


def seen(tokens, key_ids, circle_ids):
    """Renews the open room visits of a worker's streams (by their tokens), and the call visits
    of their keys (the page keeps those going while its stream is open)."""
    if not tokens:
        return 0
    call = Q(place=Place.CALL, key_id__in=key_ids, circle_id__in=circle_ids)
    return (
        Visit.objects.open()
        .filter(Q(stream_token__in=tokens) | call)
        .update(seen_at=timezone.now())
    )


def present(circle, place, now=None):
    """[(person, role, since)] of who is in the room or the call now, each key once, in order
    of arrival."""
    now = now or timezone.now()
    visits = (
        Visit.objects.filter(circle=circle, place=place, seen_at__gte=now - stale_after())
        .open()
        .order_by("joined_at", "id")
        .values_list("key_id", "person", "role", "joined_at")
    )
    first = {}
    for key_id, person, role, joined_at in visits:
        first.setdefault(key_id, (person, role, joined_at))
    return list(first.values())


def visit_end(visit, now):
    """When a visit ended: when it was left, when it was last seen if it went stale, or now."""
    if visit.left_at is not None:
        return visit.left_at
    return visit.seen_at if visit.seen_at < now - stale_after() else now


def visits_between(circle, start, end):
    """The circle's visits that overlap [start, end) (end None: up to now)."""
    visits = Visit.objects.filter(circle=circle).filter(
        Q(left_at__isnull=True) | Q(left_at__gt=start)
    )
    if end is not None:
        visits = visits.filter(joined_at__lt=end)
    return list(visits.order_by("joined_at", "id"))
