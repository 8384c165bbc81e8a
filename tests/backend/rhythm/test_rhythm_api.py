"""GET /api/circles/<slug>/rhythm/: what a circle's page shows of its rhythm, the same for
every member, with the server's clock."""

import re
from datetime import datetime

from django.utils import timezone

RHYTHM = "/api/circles/circle-a/rhythm/"


def test_a_member_reads_the_rhythm_of_a_quiet_circle(participant):
    before = timezone.now()

    response = participant.get(RHYTHM)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"server_time", "session", "timer", "upcoming", "run_sheet"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["server_time"])
    server_time = datetime.fromisoformat(body["server_time"].replace("Z", "+00:00"))
    assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= server_time
    assert server_time <= timezone.now()
    assert (body["session"], body["upcoming"]) == (None, None)
    assert body["timer"]["state"] == "idle"
    assert body["run_sheet"] == {"position": 0, "total": 0}


def test_everyone_reads_the_same_session_timer_and_progress(facilitator, participant):
    session = facilitator.post("/api/circles/circle-a/sessions/").json()
    facilitator.put("/api/circles/circle-a/timer/", {"action": "start", "seconds": 600})
    facilitator.post("/api/circles/circle-a/run-sheet/", {"kind": "prompt", "body": "One"})

    theirs, mine = participant.get(RHYTHM).json(), facilitator.get(RHYTHM).json()

    assert theirs["session"] == {"id": session["id"], "started_at": session["started_at"]}
    for part in ("session", "timer", "run_sheet"):
        assert theirs[part] == mine[part]
    assert theirs["run_sheet"] == {"position": 0, "total": 1}


def test_the_upcoming_session_is_the_schedules(facilitator, participant):
    facilitator.patch(
        "/api/circles/circle-a/",
        {
            "schedule": {
                "frequency": "weekly",
                "weekday": 3,
                "time": "18:30",
                "timezone": "Asia/Tokyo",
                "duration_minutes": 60,
                "starts_on": timezone.now().date().isoformat(),
            }
        },
    )

    upcoming = participant.get(RHYTHM).json()["upcoming"]

    assert upcoming == participant.get("/api/circles/circle-a/").json()["upcoming"]
    assert upcoming["starts_at"].endswith("T09:30:00Z")  # Tokyo keeps no summer time


def test_another_circles_facilitator_gets_404(signed_in, facilitator_b):
    response = signed_in(facilitator_b).get(RHYTHM)

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "There is no circle 'circle-a' that your key opens.",
    }
