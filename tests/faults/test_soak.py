"""Soak: listeners through Caddy to two gunicorn workers while 1,000 messages are posted and
the stack is knocked about: workers killed with SIGKILL at random moments, Caddy restarted once,
and on PostgreSQL the database server restarted once. Every listener must end with exactly
messages 1..1,000, in order, none lost or doubled.

Listeners keep what they receive as it comes, duplicates included (no client-side filtering):
resuming is the server's job (Last-Event-ID). The poster sends each message until it is
answered, with an Idempotency-Key, as the facilitator's page does: a post whose answer was lost
to a killed worker is made once.
"""

import contextlib
import json
import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest
from httpx_sse import EventSource

from support.live_backend import Session
from support.live_caddy import LiveCaddy

pytestmark = pytest.mark.server

MESSAGES = int(os.environ.get("IC_SOAK_MESSAGES", "1000"))
LISTENERS = int(os.environ.get("IC_SOAK_LISTENERS", "50"))
WORKER_KILLS = 5
CATCH_UP_SECONDS = 60
RETRY_PAUSE = 0.1


@dataclass
class Listener:
    """One reader that reconnects with Last-Event-ID whenever its stream breaks."""

    session: Session
    circle: str
    received: list = field(default_factory=list)
    connections: int = 0
    refused: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def last(self):
        return self.received[-1][0] if self.received else 0

    def run(self):
        while not self.stop.is_set() and self.last < MESSAGES:
            # A broken stream (a killed worker, Caddy going away) is what this is here for.
            with contextlib.suppress(httpx.HTTPError, RuntimeError, ValueError):
                self._read_one_connection()
            if self.last < MESSAGES:
                time.sleep(RETRY_PAUSE)

    def _read_one_connection(self):
        headers = {"Last-Event-ID": str(self.last)} if self.received else {}
        with (
            self.session.client(
                base_url=str(self.session.http.base_url),
                cookies=self.session.http.cookies,
                timeout=httpx.Timeout(5, read=15),
            ) as http,
            http.stream(
                "GET", "/api/messages/stream/", params={"circle": self.circle}, headers=headers
            ) as response,
        ):
            self.connections += 1
            if response.status_code != 200:
                self.refused += 1
                return
            for event in EventSource(response).iter_sse():
                if event.event == "message" and event.data:
                    self.received.append((int(event.id), json.loads(event.data)["body"]))
                if self.last >= MESSAGES or self.stop.is_set():
                    return


@dataclass
class Poster:
    session: Session
    circle: str
    attempts: int = 0
    replays: int = 0
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def run(self):
        try:
            for n in range(1, MESSAGES + 1):
                self._post_until_answered(n)
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            self.done.set()

    def _post_until_answered(self, n):
        message = {"circle": self.circle, "kind": "time_cue", "body": f"soak {n}"}
        while True:
            self.attempts += 1
            try:
                response = self.session.http.post(
                    "/api/messages/",
                    json=message,
                    headers={
                        "X-CSRFToken": self.session.http.cookies["csrftoken"],
                        "Origin": str(self.session.http.base_url).rstrip("/"),
                        "Idempotency-Key": f"soak-{n}",
                    },
                )
            except httpx.HTTPError:
                time.sleep(RETRY_PAUSE)
                continue
            if response.status_code in (200, 201):
                self.replays += response.status_code == 200
                assert response.json()["seq"] == n, response.text
                return
            assert response.status_code in (502, 503), (response.status_code, response.text)
            time.sleep(RETRY_PAUSE)


def knock_about(poster, server, caddy, database, log):
    """While the poster runs: SIGKILL a worker at random moments, restart Caddy once, and the
    PostgreSQL server once. Each at a random point of the run."""
    rng = random.Random(os.environ.get("IC_SOAK_SEED", "13"))  # noqa: S311 (not a secret)
    plan = sorted(
        [(rng.uniform(0.05, 0.95), "kill") for _ in range(WORKER_KILLS)]
        + [(rng.uniform(0.3, 0.6), "caddy")]
        + ([(rng.uniform(0.6, 0.9), "postgres")] if database.server else [])
    )
    for at, what in plan:
        while poster.attempts < at * MESSAGES and not poster.done.is_set():
            time.sleep(0.01)
        if poster.done.is_set():
            log.append(f"{what} skipped: the poster had finished")
            continue
        if what == "kill":
            workers = server.worker_pids()
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
                log.append("kill")
            server.wait_for_workers()  # gunicorn starts a new one
        elif what == "caddy":
            caddy.stop()
            time.sleep(0.5)
            caddy.start()
            log.append("caddy")
        else:
            database.server.restart()
            log.append("postgres")


def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>soak</title>")
    return root


@pytest.mark.timeout(900)
def test_every_listener_gets_every_message_once_in_order_through_faults(
    database, seeded, backend_on, tmp_path, report
):
    server = backend_on(database, workers=2, IC_STREAM_HEARTBEAT=1)
    caddy = LiveCaddy(tmp_path / "caddy", site(tmp_path), f"127.0.0.1:{server.port}").start()
    try:
        circle = seeded["circle"]
        participant = Session(caddy.url).sign_in(seeded["participant_keys"][0])
        listeners = [Listener(participant, circle) for _ in range(LISTENERS)]
        threads = [threading.Thread(target=ls.run, daemon=True) for ls in listeners]
        for thread in threads:
            thread.start()
        poster = Poster(Session(caddy.url).sign_in(seeded["facilitator_key"]), circle)
        faults = []
        started = time.monotonic()
        posting = threading.Thread(target=poster.run, daemon=True)
        posting.start()
        knock_about(poster, server, caddy, database, faults)
        posting.join(timeout=600)
        assert poster.done.is_set()
        assert poster.error is None, f"the poster stopped: {poster.error!r}"
        posted_in = time.monotonic() - started
        catch_up_until = time.monotonic() + CATCH_UP_SECONDS
        for thread in threads:
            thread.join(timeout=max(0.0, catch_up_until - time.monotonic()))
        for listener in listeners:
            listener.stop.set()

        expected = [(n, f"soak {n}") for n in range(1, MESSAGES + 1)]
        exact = sum(listener.received == expected for listener in listeners)
        lost = sum(
            len(set(range(1, MESSAGES + 1)) - {s for s, _ in ls.received}) for ls in listeners
        )
        doubled = sum(len(ls.received) - len({s for s, _ in ls.received}) for ls in listeners)
        report(
            f"soak ({database.engine}): {MESSAGES} posted in {posted_in:.1f} s "
            f"({poster.attempts} attempts, {poster.replays} answered as replays); "
            f"faults {faults}; {LISTENERS} listeners: {exact} got exactly 1..{MESSAGES} in order, "
            f"{lost} lost, {doubled} doubled; "
            f"{sum(ls.connections for ls in listeners)} connections "
            f"({sum(ls.refused for ls in listeners)} refused while the stack was down)"
        )
        assert faults.count("kill") >= 3, faults
        assert "caddy" in faults, faults
        if database.server:
            assert "postgres" in faults, faults
        assert (lost, doubled) == (0, 0)
        assert exact == LISTENERS
        stored = participant.http.get(f"/api/messages/?circle={circle}&limit=1").json()
        assert stored["last_seq"] == MESSAGES
    finally:
        caddy.stop()
