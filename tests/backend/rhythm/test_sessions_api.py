"""POST /api/circles/<slug>/sessions/ (start), .../sessions/current/end/ (end), GET the list;
messages posted in a session, and the prompt an ended session unpins."""

from datetime import timedelta

from django.utils import timezone

from circles.views import circle_detail
from facilitation.actions import post_message
from facilitation.models import Message
from live.models import Change
from rhythm import actions
from rhythm.models import Session, Timer

SESSIONS = "/api/circles/circle-a/sessions/"
END = "/api/circles/circle-a/sessions/current/end/"


def test_a_facilitator_starts_a_session(facilitator, facilitator_a, circle_a):
    response = facilitator.post(SESSIONS)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "started_at", "ended_at"}
    assert body["ended_at"] is None
    session = Session.objects.get(pk=body["id"])
    assert (session.circle, session.started_by) == (circle_a, facilitator_a.record)
    assert Change.objects.filter(kind=Change.Kind.RHYTHM, circle_id=circle_a.pk).exists()


def test_a_second_start_while_one_is_open_is_409(facilitator):
    facilitator.post(SESSIONS)

    response = facilitator.post(SESSIONS)

    assert response.status_code == 409
    assert response.json() == {
        "error": "conflict",
        "detail": "A session is already open in this circle. End it before starting another.",
    }
    assert Session.objects.count() == 1


def test_a_facilitator_ends_the_open_session(facilitator):
    started = facilitator.post(SESSIONS).json()

    response = facilitator.post(END)

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["started_at"]) == (started["id"], started["started_at"])
    assert body["ended_at"] is not None
    assert Session.objects.get().ended_at is not None


def test_ending_when_none_is_open_is_409(facilitator):
    response = facilitator.post(END)

    assert response.status_code == 409
    assert response.json() == {"error": "conflict", "detail": "No session is open in this circle."}


def test_members_list_the_sessions_newest_first_at_most_50(participant, circle_a, facilitator_a):
    start = timezone.now() - timedelta(days=100)
    Session.objects.bulk_create(
        Session(circle=circle_a, started_at=start + timedelta(days=n), ended_at=start)
        for n in range(55)
    )

    response = participant.get(SESSIONS)

    assert response.status_code == 200
    sessions = response.json()["sessions"]
    assert len(sessions) == 50
    assert all(set(s) == {"id", "started_at", "ended_at"} for s in sessions)
    assert [s["started_at"] for s in sessions] == sorted(
        (s["started_at"] for s in sessions), reverse=True
    )


def test_a_participant_can_neither_start_nor_end_a_session(participant):
    started = participant.post(SESSIONS)
    ended = participant.post(END)

    assert started.status_code == ended.status_code == 403
    assert started.json()["detail"] == "Only the circle's facilitator can start a session."
    assert ended.json()["detail"] == "Only the circle's facilitator can end a session."
    assert not Session.objects.exists()


def test_a_message_belongs_to_the_session_open_when_it_was_posted(facilitator, circle_a):
    before = post(facilitator, "Before")
    session = facilitator.post(SESSIONS).json()["id"]
    during = post(facilitator, "During")
    facilitator.post(END)
    after = post(facilitator, "After")

    assert (before["session"], during["session"], after["session"]) == (None, session, None)
    listed = facilitator.get("/api/messages/", {"circle": "circle-a"}).json()["results"]
    assert [m["session"] for m in listed] == [None, session, None]


def post(client, body, kind="announcement"):
    response = client.post("/api/messages/", {"circle": "circle-a", "kind": kind, "body": body})
    assert response.status_code == 201
    return response.json()


def pinned(client):
    prompt = client.get("/api/circles/circle-a/").json()["current_prompt"]
    listed = client.get("/api/messages/", {"circle": "circle-a"}).json()["current_prompt"]
    assert (prompt and prompt["body"]) == (listed and listed["body"])
    return prompt and prompt["body"]


def test_ending_a_session_unpins_its_prompt(facilitator, participant):
    facilitator.post(SESSIONS)
    post(facilitator, "Who are you today?", kind="prompt")
    assert pinned(participant) == "Who are you today?"

    facilitator.post(END)

    assert pinned(participant) is None


def test_a_prompt_posted_after_the_end_is_pinned(facilitator, participant):
    facilitator.post(SESSIONS)
    post(facilitator, "In the session", kind="prompt")
    facilitator.post(END)

    post(facilitator, "Between sessions", kind="prompt")

    assert pinned(participant) == "Between sessions"


def test_without_an_ended_session_the_latest_prompt_is_pinned(facilitator, participant):
    post(facilitator, "First", kind="prompt")
    facilitator.post(SESSIONS)
    post(facilitator, "Second", kind="prompt")
    post(facilitator, "Not a prompt")

    assert pinned(participant) == "Second"


def test_ending_a_session_stops_its_timer(facilitator, circle_a):
    facilitator.post(SESSIONS)
    facilitator.put("/api/circles/circle-a/timer/", {"action": "start", "seconds": 300})

    facilitator.post(END)

    timer = facilitator.get("/api/circles/circle-a/rhythm/").json()["timer"]
    assert timer["state"] == "idle"


def test_the_open_session_is_found_by_post_message(circle_a, facilitator_a):
    session = actions.start_session(circle_a, facilitator_a.record)

    message = post_message(circle_a, facilitator_a.record, "prompt", "Stamped")

    assert Message.objects.get(pk=message.pk).session == session
    assert circle_detail(circle_a, facilitator_a.record)["current_prompt"]["body"] == "Stamped"


def test_ending_a_session_as_its_timer_reaches_zero_still_says_the_cue(facilitator, circle_a):
    session = facilitator.post(SESSIONS).json()["id"]
    facilitator.put("/api/circles/circle-a/timer/", {"action": "start", "seconds": 60})
    Timer.objects.update(ends_at=timezone.now() - timedelta(seconds=1))

    facilitator.post(END)

    cue = Message.objects.get(kind="time_cue")
    assert (cue.body, cue.session_id) == ("Time is up", session)
    assert Timer.objects.get().state == "idle"
