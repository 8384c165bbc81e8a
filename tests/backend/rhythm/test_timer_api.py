"""PUT /api/circles/<slug>/timer/ (the facilitator's start, pause, resume, add, stop) and
POST .../timer/elapsed/ (any member's page at zero): the transitions, their limits, and the
time cue posted once when the timer reaches zero."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from facilitation.models import Message
from live.models import Change
from rhythm.models import Timer

TIMER = "/api/circles/circle-a/timer/"
ELAPSED = "/api/circles/circle-a/timer/elapsed/"
RHYTHM = "/api/circles/circle-a/rhythm/"


def parse(moment):
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def act(client, **body):
    return client.put(TIMER, body)


def ok(client, **body):
    response = act(client, **body)
    assert response.status_code == 200, response.content
    return response.json()


def reach_zero(circle):
    """The running timer's end, moved into the past: as if its time had passed."""
    Timer.objects.filter(circle=circle).update(ends_at=timezone.now() - timedelta(seconds=1))


def cues(circle):
    return list(
        Message.objects.filter(circle=circle, kind="time_cue").values_list("body", flat=True)
    )


def test_a_new_circles_timer_is_idle(participant):
    assert participant.get(RHYTHM).json()["timer"] == {
        "state": "idle",
        "duration_seconds": None,
        "ends_at": None,
        "remaining_seconds": None,
        "label": "",
    }


def test_a_facilitator_starts_the_timer(facilitator, circle_a):
    before = timezone.now()

    timer = ok(facilitator, action="start", seconds=300, label="Pairs")

    assert (timer["state"], timer["duration_seconds"], timer["label"]) == ("running", 300, "Pairs")
    assert timer["remaining_seconds"] is None
    ends = parse(timer["ends_at"])
    assert before + timedelta(seconds=300) <= ends <= timezone.now() + timedelta(seconds=300)
    assert timer["ends_at"].endswith("Z") and len(timer["ends_at"]) == len(
        "2027-01-01T00:00:00.000Z"
    )
    assert Change.objects.filter(kind=Change.Kind.RHYTHM, circle_id=circle_a.pk).exists()


@pytest.mark.parametrize("seconds", [0, 9, 14401, 10 * 24 * 3600])
def test_a_start_outside_the_limits_is_refused_naming_them(facilitator, seconds):
    response = act(facilitator, action="start", seconds=seconds)

    assert response.status_code == 400
    assert response.json()["detail"] == "seconds: A timer runs for 10 to 14400 seconds (4 hours)."


@pytest.mark.parametrize(
    "body",
    [
        {"action": "start"},
        {"action": "start", "seconds": "60"},
        {"action": "start", "seconds": 60.0},
        {"action": "start", "seconds": 60, "label": "x" * 121},
        {"action": "start", "seconds": 60, "label": 5},
        {"action": "rewind"},
        {},
    ],
)
def test_a_malformed_action_is_refused(facilitator, body):
    response = facilitator.put(TIMER, body)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_the_limits_themselves_are_allowed(facilitator):
    assert ok(facilitator, action="start", seconds=10)["duration_seconds"] == 10
    assert ok(facilitator, action="start", seconds=14400)["duration_seconds"] == 14400


def test_pause_and_resume_keep_what_was_left(facilitator):
    ok(facilitator, action="start", seconds=120)

    paused = ok(facilitator, action="pause")
    resumed = ok(facilitator, action="resume")

    assert (paused["state"], paused["ends_at"]) == ("paused", None)
    assert 119 <= paused["remaining_seconds"] <= 120
    assert resumed["state"] == "running"
    assert resumed["remaining_seconds"] is None
    left = (parse(resumed["ends_at"]) - timezone.now()).total_seconds()
    assert 118 <= left <= 120


@pytest.mark.parametrize(
    ("setup", "action", "detail"),
    [
        ([], "pause", "The timer is not running, so it cannot be paused."),
        (
            [{"action": "start", "seconds": 60}],
            "resume",
            "The timer is not paused, so it cannot be resumed.",
        ),
        ([], "resume", "The timer is not paused, so it cannot be resumed."),
        ([], "add", "The timer is not running or paused. Start it to give it time."),
        (
            [{"action": "start", "seconds": 60}, {"action": "stop"}],
            "add",
            "The timer is not running or paused. Start it to give it time.",
        ),
    ],
)
def test_a_transition_the_timer_cannot_make_is_409(facilitator, setup, action, detail):
    for body in setup:
        ok(facilitator, **body)

    response = act(facilitator, action=action)

    assert response.status_code == 409
    assert response.json() == {"error": "conflict", "detail": detail}


def test_add_gives_a_running_timer_a_minute_by_default(facilitator):
    started = ok(facilitator, action="start", seconds=60)

    added = ok(facilitator, action="add")

    assert added["duration_seconds"] == 120
    assert parse(added["ends_at"]) - parse(started["ends_at"]) == timedelta(seconds=60)


def test_add_gives_a_paused_timer_the_seconds_asked(facilitator):
    ok(facilitator, action="start", seconds=60)
    ok(facilitator, action="pause")

    added = ok(facilitator, action="add", seconds=30)

    assert added["state"] == "paused"
    assert 89 <= added["remaining_seconds"] <= 90


@pytest.mark.parametrize("seconds", [0, 3601])
def test_add_outside_its_limits_is_refused(facilitator, seconds):
    ok(facilitator, action="start", seconds=60)

    response = act(facilitator, action="add", seconds=seconds)

    assert response.status_code == 400
    assert response.json()["detail"] == "seconds: 1 to 3600 seconds (an hour) are added at once."


def test_stop_makes_any_timer_idle(facilitator):
    ok(facilitator, action="start", seconds=60, label="Pairs")

    assert ok(facilitator, action="stop") == {
        "state": "idle",
        "duration_seconds": None,
        "ends_at": None,
        "remaining_seconds": None,
        "label": "",
    }
    assert ok(facilitator, action="stop")["state"] == "idle"


def test_a_participant_cannot_run_the_timer(participant):
    response = act(participant, action="start", seconds=60)

    assert response.status_code == 403
    assert response.json()["detail"] == "Only the circle's facilitator can run the timer."
    assert not Timer.objects.exists()


def test_elapsed_before_zero_answers_the_running_timer_and_posts_nothing(
    facilitator, participant, circle_a
):
    started = ok(facilitator, action="start", seconds=60)

    response = participant.post(ELAPSED)

    assert response.status_code == 200
    assert response.json() == started
    assert cues(circle_a) == []


def test_elapsed_at_zero_finishes_the_timer_and_posts_its_cue_once(
    facilitator, participant, circle_a
):
    ok(facilitator, action="start", seconds=60, label="Pairs")
    reach_zero(circle_a)

    first = participant.post(ELAPSED).json()
    again = facilitator.post(ELAPSED).json()

    assert (
        first
        == again
        == {
            "state": "finished",
            "duration_seconds": 60,
            "ends_at": None,
            "remaining_seconds": None,
            "label": "Pairs",
        }
    )
    assert cues(circle_a) == ["Time is up: Pairs"]
    cue = Message.objects.get(kind="time_cue")
    assert cue.author_name == "Fay A"
    circle_a.refresh_from_db()
    assert cue.seq == circle_a.last_seq  # posted through post_message: numbered, announced


def test_a_timer_without_a_label_says_time_is_up(facilitator, participant, circle_a):
    ok(facilitator, action="start", seconds=60)
    reach_zero(circle_a)

    participant.post(ELAPSED)

    assert cues(circle_a) == ["Time is up"]


def test_reading_the_rhythm_posts_the_cue_of_a_timer_at_zero(facilitator, participant, circle_a):
    ok(facilitator, action="start", seconds=60)
    reach_zero(circle_a)

    timer = participant.get(RHYTHM).json()["timer"]

    assert timer["state"] == "finished"
    assert cues(circle_a) == ["Time is up"]


def test_pausing_a_timer_at_zero_is_refused_but_its_cue_stands(facilitator, circle_a):
    ok(facilitator, action="start", seconds=60)
    reach_zero(circle_a)

    response = act(facilitator, action="pause")

    assert response.status_code == 409
    assert cues(circle_a) == ["Time is up"]
    assert Timer.objects.get().state == "finished"


def test_a_restarted_timer_says_its_cue_again(facilitator, participant, circle_a):
    for label in ("One", "Two"):
        ok(facilitator, action="start", seconds=60, label=label)
        reach_zero(circle_a)
        participant.post(ELAPSED)

    assert cues(circle_a) == ["Time is up: One", "Time is up: Two"]


def test_the_cue_belongs_to_the_open_session(facilitator, participant, circle_a):
    session = facilitator.post("/api/circles/circle-a/sessions/").json()["id"]
    ok(facilitator, action="start", seconds=60)
    reach_zero(circle_a)

    participant.post(ELAPSED)

    assert Message.objects.get(kind="time_cue").session_id == session
