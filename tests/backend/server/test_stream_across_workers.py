"""The live stream against real gunicorn with two uvicorn workers sharing one database."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from support.live_backend import Session, StreamListener, listeners_on_every_worker

pytestmark = pytest.mark.server


def test_a_message_reaches_listeners_on_every_worker(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listeners, _ = listeners_on_every_worker(server, participant, demo["circle"])

    posted = facilitator.post_message(demo["circle"], "Welcome, everyone", kind="prompt")

    for listener in listeners:
        data, _ = listener.next_message(timeout=10)
        assert data == posted
    for listener in listeners:
        listener.close()


def test_messages_posted_through_both_workers_arrive_in_order_without_duplicates(
    start_backend, demo
):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][1])
    listeners, _ = listeners_on_every_worker(server, participant, demo["circle"])

    # Each post is a new connection, so the posts are spread over both workers too.
    posted = [facilitator.post_message(demo["circle"], f"cue {n}", "time_cue") for n in range(12)]

    for listener in listeners:
        received = [listener.next_message(timeout=10)[0] for _ in posted]
        assert received == posted
        assert listener.events.empty()
        listener.close()


def test_a_reconnect_with_last_event_id_gets_exactly_the_missed_messages(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][2])
    circle = demo["circle"]

    first = StreamListener(participant, circle)
    seen = [facilitator.post_message(circle, f"before {n}") for n in (1, 2)]
    assert [first.next_message()[0] for _ in seen] == seen
    first.close()

    missed = [facilitator.post_message(circle, f"while away {n}") for n in (3, 4)]
    again = StreamListener(participant, circle, last_event_id=seen[-1]["seq"])
    assert [again.next_message()[0] for _ in missed] == missed

    later = facilitator.post_message(circle, "after the reconnect")
    assert again.next_message()[0] == later  # nothing repeated, nothing skipped
    again.close()


def test_after_parameter_resumes_like_last_event_id(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    posted = [facilitator.post_message(demo["circle"], f"m{n}") for n in range(3)]

    listener = StreamListener(participant, demo["circle"], after=posted[0]["seq"])
    assert [listener.next_message()[0] for _ in posted[1:]] == posted[1:]
    listener.close()


def test_a_late_joiner_gets_the_whole_history_first(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    posted = [facilitator.post_message(demo["circle"], f"early {n}", "prompt") for n in range(3)]

    late = StreamListener(Session(server.url).sign_in(demo["participant_keys"][1]), demo["circle"])
    assert [late.next_message()[0] for _ in posted] == posted
    late.close()


def test_a_revoked_keys_stream_ends_and_cannot_reconnect(start_backend, demo, db_path):
    from support.live_backend import manage

    server = start_backend(workers=2)
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listener = StreamListener(participant, demo["circle"])
    assert listener.next_event()[0] == "hello"
    prefix = demo["participant_keys"][0][:4]

    manage(db_path, "revoke_key", "--prefix", prefix)  # another process, as an operator does

    kind, _, data, _ = listener.next_event(timeout=10)
    assert (kind, data["reason"]) == ("end", "key_revoked")
    assert listener.next_event(timeout=10)[0] == "closed"
    assert StreamListener(participant, demo["circle"]).status_code == 401


def hello_on_every_worker(listeners):
    for listener in listeners:
        assert listener.next_event()[0] == "hello"


def revoke_through_the_api(server, demo, participant):
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    keys = facilitator.http.get(f"/api/circles/{demo['circle']}/keys/").json()
    prefix = demo["participant_keys"][0][:4]
    (key,) = [k for k in keys if k["prefix"] == prefix]
    response = facilitator.write("DELETE", f"/api/circles/{demo['circle']}/keys/{key['id']}/")
    assert response.status_code == 204, response.text


def sign_out(server, demo, participant):
    assert participant.post("/api/auth/logout/", {}).status_code == 204


def close_the_circle(server, demo, participant):
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    response = facilitator.write("PATCH", f"/api/circles/{demo['circle']}/", {"active": False})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("act", "reason"),
    [
        (revoke_through_the_api, "key_revoked"),
        (sign_out, "signed_out"),
        (close_the_circle, "circle_closed"),
    ],
)
def test_an_access_change_ends_streams_on_every_worker_within_a_second(
    start_backend, demo, act, reason
):
    server = start_backend(workers=2)
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listeners, by_worker = listeners_on_every_worker(server, participant, demo["circle"])
    hello_on_every_worker(listeners)
    writer = Session(server.url).sign_in(demo["facilitator_key"])
    stop = threading.Event()

    def keep_posting():  # messages keep flowing while access changes
        n = 0
        while not stop.is_set():
            writer.post_message(demo["circle"], f"flowing {n}")
            n += 1
            time.sleep(0.05)

    poster = threading.Thread(target=keep_posting, daemon=True)
    poster.start()
    try:
        time.sleep(0.3)
        acted = time.monotonic()
        act(server, demo, participant)
        for listener in listeners:
            while True:
                kind, _, data, arrived = listener.next_event(timeout=5)
                if kind != "message":
                    break
            assert (kind, data["reason"]) == ("end", reason)
            assert arrived - acted < 1.0, f"ended {arrived - acted:.2f} s after the change"
            assert listener.next_event()[0] == "closed"
    finally:
        stop.set()
        poster.join(timeout=5)
    assert len(by_worker) == 2


def test_a_key_that_expires_ends_its_streams_on_every_worker(start_backend, demo):
    server = start_backend(workers=2)
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    # Long enough for listeners_on_every_worker to land one on each worker on a loaded machine
    # (it may take a few seconds), after which an expired key could not open a stream at all.
    expires = datetime.now(UTC) + timedelta(seconds=8)
    issued = facilitator.post(
        f"/api/circles/{demo['circle']}/keys/", {"count": 1, "expires": expires.isoformat()}
    )
    assert issued.status_code == 201, issued.text
    holder = Session(server.url).sign_in(issued.json()["keys"][0]["key"])
    listeners, _ = listeners_on_every_worker(server, holder, demo["circle"])

    for listener in listeners:
        kind, _, data, arrived = listener.next_event(timeout=15)
        while kind in ("hello", "message"):
            kind, _, data, arrived = listener.next_event(timeout=15)
        assert (kind, data["reason"]) == ("end", "key_expired")
        lateness = time.time() - (time.monotonic() - arrived) - expires.timestamp()
        assert -0.1 < lateness < 1.0


def test_a_stream_that_holds_numbers_from_before_a_restore_is_told(start_backend, demo):
    server = start_backend(workers=2)
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    facilitator.post_message(demo["circle"], "only one")

    listener = StreamListener(participant, demo["circle"], last_event_id=40)

    kind, _, hello, _ = listener.next_event()
    assert kind == "hello"
    assert hello["last_seq"] == 1  # below what the page holds: it must reload
    listener.close()


def test_open_streams_hold_no_thread_and_no_database_connection(start_backend, demo, db_path):
    import psutil

    server = start_backend(workers=2)
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    # Every worker's live threads and connections start with its first stream.
    warm, _ = listeners_on_every_worker(server, participant, demo["circle"])
    hello_on_every_worker(warm)

    def threads_and_database_files():
        workers = [psutil.Process(pid) for pid in server.worker_pids()]
        threads = sum(w.num_threads() for w in workers)
        files = sum(str(db_path) in f.path for w in workers for f in w.open_files())
        return threads, files

    before = threads_and_database_files()
    listeners = [StreamListener(participant, demo["circle"]) for _ in range(60)]
    for listener in listeners:
        assert listener.next_event()[0] == "hello"
    during = threads_and_database_files()

    assert during[0] <= before[0] + 2, (before, during)  # not one per stream
    assert during[1] <= before[1] + 2, (before, during)
    for listener in [*warm, *listeners]:
        listener.close()


def test_moving_the_video_room_sends_every_stream_a_new_room_tag(start_backend, demo):
    server = start_backend(workers=2)
    participant = Session(server.url).sign_in(demo["participant_keys"][1])
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    listeners, _ = listeners_on_every_worker(server, participant, demo["circle"])
    tags = set()
    for listener in listeners:
        kind, _, hello, _ = listener.next_event()
        assert kind == "hello"
        tags.add(hello["video_room"])
    (before,) = tags  # every worker names the same room

    response = facilitator.write("POST", f"/api/circles/{demo['circle']}/video-room/")
    assert response.status_code == 200, response.text

    for listener in listeners:
        # The stream closes (the page reconnects at once) ...
        assert listener.next_event(timeout=10)[0] == "closed"
        # ... and the next hello names another room, which the page follows.
        again = StreamListener(participant, demo["circle"])
        kind, _, hello, _ = again.next_event()
        assert kind == "hello"
        assert hello["video_room"] != before
        assert len(hello["video_room"]) == 16  # a tag of the room, not its name
        again.close()
