"""What must survive the proxy: cookies, the CSRF header, and the live stream, unbuffered."""

import time

import httpx
import pytest

pytestmark = pytest.mark.server


def test_signing_in_through_caddy_gives_a_working_session(caddy, sessions, demo):
    session = sessions(caddy.url, demo["participant_keys"][0])

    assert "ic_session" in session.http.cookies
    me = session.http.get("/api/auth/me/")
    assert me.status_code == 200
    assert me.headers["content-security-policy"]  # answered through Caddy


def test_a_post_without_the_csrf_header_gets_the_backends_403(caddy, sessions, demo):
    session = sessions(caddy.url)  # the CSRF cookie is there, the header is not

    response = session.http.post("/api/auth/verify-key/", json={"key": demo["facilitator_key"]})

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "csrf_failed"
    assert "ic_session" not in response.cookies


def test_a_live_message_arrives_through_caddy(caddy, sessions, listeners, demo, record_property):
    facilitator = sessions(caddy.url, demo["facilitator_key"])
    participant = sessions(caddy.url, demo["participant_keys"][1])
    listener = listeners(participant, demo["circle"])
    assert listener.status_code == 200
    assert listener.response.headers["content-type"] == "text/event-stream"

    sent = time.monotonic()
    posted = facilitator.post_message(demo["circle"], "Through the proxy", kind="prompt")

    # The circle's history (other tests' messages) comes first; 5 s bounds correctness only,
    # speed is what `make bench` measures.
    deadline = sent + 5
    while True:
        data, arrived = listener.next_message(timeout=max(deadline - time.monotonic(), 0.01))
        if data["seq"] == posted["seq"]:
            break
    assert data == posted
    record_property("sse_latency_through_caddy_seconds", round(arrived - sent, 4))


def test_a_heartbeat_alone_crosses_caddy_unbuffered(caddy, sessions, demo):
    # The stack's backend sends a comment line every 0.5 s when there is nothing to say. A proxy
    # that buffered would hold these few bytes back; each must arrive on its own.
    participant = sessions(caddy.url, demo["participant_keys"][2])
    with httpx.Client(
        base_url=caddy.url, cookies=participant.http.cookies, timeout=httpx.Timeout(5)
    ) as client:
        params = {"circle": demo["circle"], "after": 10**9}
        with client.stream("GET", "/api/messages/stream/", params=params) as stream:
            lines = stream.iter_lines()
            assert next(lines) == "retry: 3000"
            heartbeats = [line for line in _until(lines, 2) if line == ": heartbeat"]

    assert len(heartbeats) == 2


def _until(lines, heartbeats):
    """Lines of a stream up to its nth heartbeat; the client's 5 s read timeout bounds it."""
    seen = 0
    for line in lines:
        yield line
        seen += line == ": heartbeat"
        if seen == heartbeats:
            return
