"""Caddy as a process: where it listens, and that an open live stream cannot hold up its stop."""

import time

import psutil
import pytest

pytestmark = pytest.mark.server


def test_it_listens_on_loopback_only(caddy):
    caddy_process = psutil.Process(caddy.executor.process.pid)

    sockets = [c for c in caddy_process.net_connections(kind="inet") if not c.raddr]

    assert sockets, "caddy holds no listening socket"
    assert {c.laddr.ip for c in sockets} == {"127.0.0.1"}
    assert {c.laddr.port for c in sockets} == {caddy.port}  # and no admin endpoint


def test_an_open_stream_does_not_hold_up_stopping(start_caddy, backend, sessions, listeners, demo):
    caddy = start_caddy(f"127.0.0.1:{backend.port}")
    participant = sessions(caddy.url, demo["participant_keys"][0])
    listener = listeners(participant, demo["circle"], after=10**9)
    assert listener.status_code == 200

    started = time.monotonic()
    caddy.stop()  # Caddy 2.6 would wait for the stream forever without its grace_period
    stopped_after = time.monotonic() - started

    assert stopped_after < 9  # grace_period 5s, inside Docker's 10 s stop timeout
    kind, *_ = listener.next_event(timeout=5)
    if kind == "hello":  # sent as the stream opened
        kind, *_ = listener.next_event(timeout=5)
    assert kind == "closed"  # the browser's EventSource would now reconnect
