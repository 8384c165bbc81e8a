"""The live stream against real gunicorn with two uvicorn workers sharing one database."""

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

    server = start_backend(workers=2, IC_STREAM_HEARTBEAT=0.5)
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listener = StreamListener(participant, demo["circle"])
    prefix = demo["participant_keys"][0][:4]

    manage(db_path, "revoke_key", "--prefix", prefix)

    kind, _, data, _ = listener.next_event(timeout=10)
    assert (kind, data) == ("end", {"reason": "session ended"})
    assert listener.next_event(timeout=10)[0] == "closed"
    assert StreamListener(participant, demo["circle"]).status_code == 401
