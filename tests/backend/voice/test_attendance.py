"""Presence and the attendance register: who is in the room and the call now (GET voice/),
what the page reports (PUT presence/call/), and a session's register in JSON and in CSV, read
back with Python's csv module."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from voice.attendance import merged_seconds, safe_cell

from access.actions import issue_keys
from access.models import Role
from facilitation import presence
from facilitation.models import Place, Visit
from rhythm.models import Session

T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def visit(circle, key, place, joined, left=None, seen=None):
    """A visit as presence records it, then moved to when it happened."""
    if place == Place.ROOM:
        visit_id = presence.entered_room(circle.pk, key.pk, key.display_name, key.role)
    else:
        presence.set_in_call(circle, key, True)
        visit_id = Visit.objects.filter(key=key, place=Place.CALL).open().get().pk
    Visit.objects.filter(pk=visit_id).update(
        joined_at=at(joined),
        left_at=None if left is None else at(left),
        seen_at=at(seen if seen is not None else left if left is not None else joined),
    )
    return visit_id


@pytest.fixture
def people(circle_a):
    ana, ben, cy = issue_keys([circle_a], Role.PARTICIPANT, count=3, labels=["Ana", "Ben", "=Cy"])
    return ana.record, ben.record, cy.record


@pytest.fixture
def session(circle_a, facilitator_a):
    return Session.objects.create(
        circle=circle_a, started_at=at(0), ended_at=at(60), started_by=facilitator_a.record
    )


@pytest.fixture
def held(circle_a, people, session):
    """Ana stays the hour, with two tabs for a while, and is in the call for 45 minutes; Ben
    comes at 2 and leaves early, at 20; Cy's worker died at 30 (last seen); someone's visit of
    the day before counts for nothing."""
    ana, ben, cy = people
    visit(circle_a, ana, Place.ROOM, joined=-5, left=65)
    visit(circle_a, ana, Place.ROOM, joined=10, left=30)
    visit(circle_a, ana, Place.CALL, joined=5, left=50)
    visit(circle_a, ben, Place.ROOM, joined=2, left=20)
    visit(circle_a, cy, Place.ROOM, joined=15, seen=30)
    visit(circle_a, ben, Place.ROOM, joined=-300, left=-200)
    return session


def test_merged_seconds_counts_overlaps_once():
    assert merged_seconds([(at(0), at(10)), (at(5), at(15)), (at(20), at(21))]) == 16 * 60
    assert merged_seconds([]) == 0


def test_the_register_matches_what_happened(facilitator, held):
    response = facilitator.get(f"/api/circles/circle-a/sessions/{held.pk}/attendance/")

    assert response.status_code == 200
    rows = [
        (p["person"], p["joined_at"], p["left_at"], p["room_minutes"], p["call_minutes"])
        for p in response.json()["people"]
    ]
    iso = lambda m: at(m).isoformat().replace("+00:00", "Z")  # noqa: E731
    assert rows == [
        ("Ana", iso(0), iso(60), 60.0, 45.0),
        ("Ben", iso(2), iso(20), 18.0, 0.0),
        ("=Cy", iso(15), iso(30), 15.0, 0.0),
    ]
    ana = response.json()["people"][0]
    assert (ana["room_seconds"], ana["call_seconds"]) == (3600, 2700)


def test_the_csv_is_the_same_register(facilitator, held):
    response = facilitator.get(f"/api/circles/circle-a/attendance.csv?session={held.pk}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="circle-a-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["person"], r["room_minutes"], r["call_minutes"]) for r in rows] == [
        ("Ana", "60.0", "45.0"),
        ("Ben", "18.0", "0.0"),
        ("'=Cy", "15.0", "0.0"),  # never a formula in a spreadsheet
    ]
    assert rows[1]["left_at"] == at(20).isoformat().replace("+00:00", "Z")


def test_the_csv_defaults_to_the_latest_session(facilitator, held, circle_a):
    later = Session.objects.create(circle=circle_a, started_at=at(100), ended_at=at(110))

    rows = list(
        csv.DictReader(
            io.StringIO(facilitator.get("/api/circles/circle-a/attendance.csv").content.decode())
        )
    )

    assert later.pk != held.pk and rows == []


def test_a_session_still_open_says_who_is_still_there(facilitator, circle_a, people):
    ana = people[0]
    session = Session.objects.create(
        circle=circle_a, started_at=timezone.now() - timedelta(minutes=3)
    )
    presence.entered_room(circle_a.pk, ana.pk, "Ana", "participant")

    person = facilitator.get(f"/api/circles/circle-a/sessions/{session.pk}/attendance/").json()[
        "people"
    ]

    assert [(p["person"], p["left_at"]) for p in person] == [("Ana", None)]


def test_attendance_is_the_facilitators(participant, facilitator, held, facilitator_b, signed_in):
    path = f"/api/circles/circle-a/sessions/{held.pk}/attendance/"
    assert participant.get(path).status_code == 403
    assert participant.get("/api/circles/circle-a/attendance.csv").status_code == 403
    assert signed_in(facilitator_b).get(path).status_code == 404
    assert facilitator.get("/api/circles/circle-a/sessions/999999/attendance/").status_code == 404


def test_no_session_yet_is_a_404_with_a_sentence(facilitator):
    response = facilitator.get("/api/circles/circle-a/attendance.csv")

    assert response.status_code == 404
    assert response.json()["detail"] == "This circle has had no session yet."


def test_presence_shows_who_is_in_the_room_and_the_call_now(
    facilitator, participant, circle_a, participant_a, people
):
    ana = people[0]
    presence.entered_room(circle_a.pk, participant_a.record.pk, "Pat A", "participant")
    stale = presence.entered_room(circle_a.pk, ana.pk, "Ana", "participant")
    Visit.objects.filter(pk=stale).update(seen_at=timezone.now() - timedelta(hours=1))

    assert (
        participant.put("/api/circles/circle-a/presence/call/", {"in_call": True}).status_code
        == 204
    )
    now = facilitator.get("/api/circles/circle-a/voice/").json()["presence"]

    assert [p["person"] for p in now["room"]] == ["Pat A"]  # Ana's worker is gone
    assert [p["person"] for p in now["call"]] == ["Pat A"]
    participant.put("/api/circles/circle-a/presence/call/", {"in_call": False})
    assert facilitator.get("/api/circles/circle-a/voice/").json()["presence"]["call"] == []


def test_saying_in_call_twice_is_one_visit(participant, participant_a):
    for _ in range(2):
        participant.put("/api/circles/circle-a/presence/call/", {"in_call": True})

    assert Visit.objects.filter(key=participant_a.record, place=Place.CALL).count() == 1


@pytest.mark.parametrize("body", [{}, {"in_call": "yes"}, {"in_call": None}])
def test_a_bad_call_report_is_400(participant, body):
    response = participant.put("/api/circles/circle-a/presence/call/", body)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("in_call: ")


def test_safe_cell_defuses_formulas():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@x", "Ana", None)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "Ana",
        "",
    ]
