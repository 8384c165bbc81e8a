"""A session's register, from what the server saw (facilitation.presence): who had the room
open during the session, when they first came and last left, and how long they were in the
room and in the call. Tabs open at once count once: their times are merged."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

from facilitation.models import Place
from facilitation.presence import visit_end, visits_between

CSV_COLUMNS = (
    "person",
    "role",
    "joined_at",
    "left_at",
    "room_minutes",
    "call_minutes",
    "room_seconds",
    "call_seconds",
)
# A cell that starts with one of these is a formula to a spreadsheet (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    person: str
    role: str
    joined_at: datetime
    left_at: datetime | None
    room_seconds: int
    call_seconds: int

    @property
    def room_minutes(self):
        return round(self.room_seconds / 60, 1)

    @property
    def call_minutes(self):
        return round(self.call_seconds / 60, 1)


def merged_seconds(intervals):
    """The length of the union of [start, end) intervals, in seconds."""
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += (end - start).total_seconds()
            reach = end
        elif end > reach:
            total += (end - reach).total_seconds()
            reach = end
    return total


def register(session, now=None):
    """[Row] for the session, in order of arrival."""
    now = now or timezone.now()
    start, end = session.started_at, session.ended_at
    until = end or now
    people = {}  # key (or the name, for a key since deleted) -> its clipped intervals per place
    for visit in visits_between(session.circle, start, end):
        visit_start, visit_end_at = max(visit.joined_at, start), min(visit_end(visit, now), until)
        if visit_end_at <= visit_start:
            continue
        who = visit.key_id if visit.key_id is not None else f"name:{visit.person}"
        person = people.setdefault(
            who, {"person": visit.person, "role": visit.role, Place.ROOM: [], Place.CALL: []}
        )
        still_open = visit.left_at is None and visit_end_at == now and end is None
        person[visit.place].append((visit_start, visit_end_at, still_open))
    rows = []
    for person in people.values():
        room = person[Place.ROOM] or person[Place.CALL]
        rows.append(
            Row(
                person=person["person"],
                role=person["role"],
                joined_at=min(s for s, _, _ in room),
                left_at=None if any(o for _, _, o in room) else max(e for _, e, _ in room),
                room_seconds=seconds(person[Place.ROOM]),
                call_seconds=seconds(person[Place.CALL]),
            )
        )
    return sorted(rows, key=lambda row: row.joined_at)


def seconds(intervals):
    return round(merged_seconds([(s, e) for s, e, _ in intervals]))


def safe_cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def iso(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else ""


def register_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                safe_cell(row.person),
                row.role,
                iso(row.joined_at),
                iso(row.left_at),
                row.room_minutes,
                row.call_minutes,
                row.room_seconds,
                row.call_seconds,
            ]
        )
    return out.getvalue()
