"""The database goes away and comes back: every request in between is a 503 with a sentence
(never a 500, never a traceback), nothing is written half, and the backend is back to normal by
itself once the database is, with the sessions it had."""

import time

import httpx
import pytest

from support.live_backend import Session, StreamListener

pytestmark = pytest.mark.server

AWAY_DETAIL = "The database cannot be reached right now. Try again in a moment."
BACK_WITHIN_SECONDS = 10


def while_away(server, facilitator, participant, circle, key):
    """Each kind of request, several times (both workers): {label: [statuses]}."""
    fresh = Session(server.url)
    asks = {
        "health": lambda: httpx.get(f"{server.url}/api/health/", timeout=10),
        "list messages": lambda: participant.http.get(f"/api/messages/?circle={circle}"),
        "post a message": lambda: facilitator.post(
            "/api/messages/", {"circle": circle, "kind": "announcement", "body": "lost?"}
        ),
        "sign in": lambda: fresh.post("/api/auth/verify-key/", {"key": key}),
        "open the stream": lambda: participant.http.get(
            f"/api/messages/stream/?circle={circle}", headers={"Connection": "close"}
        ),
    }
    seen = {}
    for label, ask in asks.items():
        for _ in range(4):
            response = ask()
            seen.setdefault(label, []).append(response)
    fresh.close()
    return seen


def back_to_normal(server):
    deadline = time.monotonic() + BACK_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if httpx.get(f"{server.url}/api/health/", timeout=5).status_code == 200:
            return time.monotonic()
        time.sleep(0.2)
    pytest.fail(f"the backend was not healthy {BACK_WITHIN_SECONDS} s after the database was back")


def test_a_database_that_goes_away_is_a_503_and_comes_back_by_itself(
    database, seeded, backend_on, report
):
    server = backend_on(database, workers=2)
    circle = seeded["circle"]
    facilitator = Session(server.url).sign_in(seeded["facilitator_key"])
    participant = Session(server.url).sign_in(seeded["participant_keys"][0])
    first = facilitator.post_message(circle, "before the outage")

    database.take_away()
    seen = while_away(server, facilitator, participant, circle, seeded["participant_keys"][1])
    database.bring_back()
    returned = time.monotonic()
    healthy = back_to_normal(server)

    statuses = {label: sorted({r.status_code for r in rs}) for label, rs in seen.items()}
    for label, responses in seen.items():
        for response in responses:
            if label == "open the stream" and response.status_code == 200:
                # SQLite: the live reader's open connection still reads the moved file.
                assert database.engine == "sqlite"
                continue
            assert response.status_code == 503, (label, response.status_code, response.text)
            if label == "health":
                assert response.json()["database"] == "error"
                continue
            assert response.json() == {"error": "database_unavailable", "detail": AWAY_DETAIL}
            assert response.headers["Retry-After"] == "5"
    # Back: the same sessions work, the post that failed left nothing, numbering goes on.
    listed = participant.http.get(f"/api/messages/?circle={circle}")
    assert listed.status_code == 200
    assert [m["body"] for m in listed.json()["results"]] == ["before the outage"]
    after = facilitator.post_message(circle, "after the outage")
    assert after["seq"] == first["seq"] + 1
    listener = StreamListener(participant, circle, last_event_id=first["seq"])
    assert listener.next_event()[0] == "hello"
    assert listener.next_message()[0] == after
    listener.close()
    log = server.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    report(
        f"database away ({database.engine}): {sum(len(r) for r in seen.values())} requests "
        f"while away, statuses {statuses}; healthy {healthy - returned:.2f} s after it was back"
    )
    facilitator.close()
    participant.close()
