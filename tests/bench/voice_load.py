"""The participants' voice flowing beside the live channel (--voice-rate): one thread sends
responses to the circle's pinned prompt and raises and lowers a hand, at a steady rate, while a
scenario runs, so its figures include what responses and signals cost the workers. Presence
flows by itself: every stream that opens or closes is a visit to the room (a row and a change).

Not timed: its requests go through httpx with keep-alive, as a page's would; only how many were
sent and how many failed are reported beside the scenario's figures.
"""

import threading
import time

import httpx

from bench.systems import CIRCLE

HAND_EVERY = 5  # every fifth request raises or lowers the hand instead of responding


class VoiceLoad:
    def __init__(self, url, participant, facilitator, rate):
        self.url = url
        self.participant = participant  # cookies
        self.facilitator = facilitator
        self.rate = rate
        self.sent = 0
        self.failed = 0
        self._stop = threading.Event()
        self._thread = None

    def _client(self, cookies):
        return httpx.Client(
            base_url=self.url,
            cookies=cookies,
            headers={"X-CSRFToken": cookies["csrftoken"], "Origin": self.url},
            timeout=10,
        )

    def pin_prompt(self):
        with self._client(self.facilitator) as client:
            body = {"circle": CIRCLE, "kind": "prompt", "body": "What do you notice?"}
            client.post("/api/messages/", json=body).raise_for_status()

    def __enter__(self):
        self.sent = self.failed = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="voice-load", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=15)

    def figures(self):
        return {"voice_sent": self.sent, "voice_failed": self.failed}

    def _run(self):
        path = f"/api/circles/{CIRCLE}/"
        hand = None
        with self._client(self.participant) as client:
            n = 0
            next_at = time.monotonic()
            while not self._stop.is_set():
                n += 1
                try:
                    if n % HAND_EVERY:
                        answer = client.post(f"{path}responses/", json={"body": f"Voice {n}"})
                    elif hand is None:
                        answer = client.post(f"{path}signals/", json={"kind": "hand"})
                        hand = answer.json().get("id") if answer.is_success else None
                    else:
                        answer = client.delete(f"{path}signals/{hand}/")
                        hand = None
                    self.failed += not answer.is_success
                except httpx.HTTPError:
                    self.failed += 1
                self.sent += 1
                next_at += 1 / self.rate
                self._stop.wait(max(0.0, next_at - time.monotonic()))
