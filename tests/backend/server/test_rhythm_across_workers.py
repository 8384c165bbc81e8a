"""The session rhythm against real gunicorn with two uvicorn workers sharing one database (a
SQLite file, or PostgreSQL with DATABASE_URL): the time cue is posted once however many pages
on however many workers say the timer reached zero, a rhythm change reaches the streams on
every worker, and every worker tells the same timer."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from support.live_backend import (
    Session,
    StreamListener,
    listeners_on_every_worker,
    on_every_worker,
)

pytestmark = pytest.mark.server


def rhythm_url(demo, part):
    return f"/api/circles/{demo['circle']}/{part}/"


def fresh_connection(session, method, path):
    """The request over a connection of its own, so the kernel may hand it to either worker."""
    with session.client(base_url=str(session.http.base_url), cookies=session.http.cookies) as http:
        headers = {"X-CSRFToken": session.http.cookies["csrftoken"], "Origin": str(http.base_url)}
        return http.request(method, path, headers={**headers, "Connection": "close"})


def events_until_quiet(listener, quiet=1.5):
    events = []
    while True:
        try:
            events.append(listener.next_event(timeout=quiet))
        except Exception:  # queue.Empty: nothing more for a while
            return events


def connections_on_every_worker(server, sessions, most=3, seconds=90):
    """[(session, client)]: clients with a kept-alive connection each, every worker holding at
    least one of them and at most `most`, so that requests sent at once over them race both
    across workers and within one."""

    def open_connection(attempt):
        session = sessions[attempt % len(sessions)]
        http = session.client(base_url=server.url, cookies=session.http.cookies, timeout=10)
        stream = http.get("/api/health/").extensions["network_stream"]
        return (session, http), stream.get_extra_info("client_addr")[1]

    by_worker = on_every_worker(
        server, open_connection, seconds, most=most, discard=lambda caller: caller[1].close()
    )
    return [caller for callers in by_worker.values() for caller in callers]


def test_the_time_cue_is_posted_once_when_pages_on_every_worker_call_elapsed_at_once(
    start_backend, demo
):
    server = start_backend(workers=4)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participants = [Session(server.url).sign_in(key) for key in demo["participant_keys"]]
    listener = StreamListener(participants[0], demo["circle"])
    callers = connections_on_every_worker(server, [facilitator, *participants])
    started = facilitator.write(
        "PUT", rhythm_url(demo, "timer"), {"action": "start", "seconds": 10, "label": "Pairs"}
    )
    assert started.status_code == 200, started.text
    ends_at = datetime.fromisoformat(started.json()["ends_at"].replace("Z", "+00:00"))
    time.sleep(max(0.0, (ends_at - datetime.now(UTC)).total_seconds()) + 0.05)
    barrier = threading.Barrier(len(callers))

    def elapsed(caller):
        session, http = caller
        headers = {"X-CSRFToken": session.http.cookies["csrftoken"], "Origin": server.url}
        barrier.wait()
        return http.post(rhythm_url(demo, "timer/elapsed"), headers=headers)

    with ThreadPoolExecutor(max_workers=len(callers)) as pool:
        responses = list(pool.map(elapsed, callers))

    assert [r.status_code for r in responses] == [200] * len(callers)
    assert {r.json()["state"] for r in responses} == {"finished"}
    messages = facilitator.http.get("/api/messages/", params={"circle": demo["circle"]}).json()
    cues = [m for m in messages["results"] if m["kind"] == "time_cue"]
    assert [(m["body"], m["author"]) for m in cues] == [("Time is up: Pairs", "Demo facilitator")]
    streamed = [data for kind, _, data, _ in events_until_quiet(listener) if kind == "message"]
    assert [m["body"] for m in streamed] == ["Time is up: Pairs"]
    listener.close()
    for _, http in callers:
        http.close()


def test_a_rhythm_change_reaches_the_streams_on_every_worker_and_they_go_on(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listeners, _ = listeners_on_every_worker(server, participant, demo["circle"])

    assert facilitator.post(rhythm_url(demo, "sessions"), None).status_code == 201

    for listener in listeners:
        kind, event_id, data, _ = listener.next_event()
        while kind == "hello":
            kind, event_id, data, _ = listener.next_event()
        assert (kind, event_id or None, data) == ("rhythm", None, {})
    posted = facilitator.post_message(demo["circle"], "Still listening", kind="prompt")
    for listener in listeners:
        assert listener.next_message()[0] == posted
        listener.close()


def test_every_worker_tells_the_same_timer(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][1])
    started = facilitator.write(
        "PUT", rhythm_url(demo, "timer"), {"action": "start", "seconds": 300}
    )

    timers = [
        fresh_connection(participant, "GET", rhythm_url(demo, "rhythm")).json()["timer"]
        for _ in range(12)
    ]

    assert all(timer == started.json() for timer in timers)
