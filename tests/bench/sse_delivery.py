"""Benchmark: how long a posted message takes to reach live listeners, per gunicorn worker.

Starts the real backend (gunicorn, 2 uvicorn workers, SQLite), opens SSE listeners until both
workers hold some, then posts messages through one kept-alive connection (so one worker handles
every post) and prints the delivery latency seen by listeners on that worker and on the other.
The target is under 1 s across workers; the poll interval (IC_STREAM_POLL_INTERVAL) bounds it.

    make bench            # or: python tests/bench/sse_delivery.py --messages 50
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.live_backend import (
    Session,
    listeners_on_every_worker,
    manage,
    running_backend,
)


def summarize(label, samples_ms):
    samples = sorted(samples_ms)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"{label:<28} n={len(samples):<4} median={statistics.median(samples):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={samples[-1]:7.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        manage(db, "migrate", "--noinput")
        demo = manage(db, "seed_demo", "--json")
        with running_backend(db, Path(tmp) / "gunicorn.log", workers=args.workers) as server:
            facilitator = Session(server.url).sign_in(demo["facilitator_key"])
            participant = Session(server.url).sign_in(demo["participant_keys"][0])
            listeners, by_worker = listeners_on_every_worker(server, participant, demo["circle"])
            facilitator.post_message(demo["circle"], "warm-up", keep_alive=True)
            for listener in listeners:
                listener.next_message()
            posting_worker = server.worker_of(facilitator.last_client_port)

            same, other = [], []
            for n in range(args.messages):
                sent = time.monotonic()
                facilitator.post_message(demo["circle"], f"message {n}", keep_alive=True)
                for worker, group in by_worker.items():
                    for listener in group:
                        _, arrived = listener.next_message(timeout=10)
                        (same if worker == posting_worker else other).append(
                            (arrived - sent) * 1000
                        )
                # A random pause, so posts do not fall into step with the other worker's poll.
                time.sleep(random.uniform(0, 0.3))  # noqa: S311

    print(f"SSE delivery, {args.workers} workers, {len(listeners)} listeners, SQLite")
    summarize("listener on posting worker", same)
    summarize("listener on other worker", other)


if __name__ == "__main__":
    main()
