"""The benchmark's scenarios. Each takes a System, the listener process and the run's options,
and returns one row of figures (a dict); sse_delivery.py runs each on every system and prints
the rows side by side.

Latency is a listener's receive time minus the time just before the POST was sent (both
time.monotonic(), system-wide). The next message is posted only when every listener has the
last one or the timeout passed; a listener without it counts as not delivered. Every scenario
has a deadline; what it could not do by then counts as not delivered too.
"""

import itertools
import random
import time
from dataclasses import dataclass, field

from bench import metrics
from bench.listeners import message_body
from bench.poster import PostFailed
from bench.systems import CIRCLE, circle_slugs

# Every message of the run has its own tag, so a late receipt is never taken for a new one.
_tags = itertools.count(1)
# A random pause of up to this long between posts, so they do not fall into step with the
# workers' database poll (IC_STREAM_POLL_INTERVAL, 0.25 s).
MAX_PAUSE = 0.25


class Deadline:
    def __init__(self, seconds):
        self.at = time.monotonic() + seconds

    def left(self):
        return max(0.0, self.at - time.monotonic())

    def passed(self):
        return self.left() == 0

    def within(self, options):
        """How long the next wait may take: --timeout, or what is left of the deadline."""
        return min(options.timeout, self.left())


@dataclass
class Deliveries:
    """Latencies (ms) of the deliveries received, and the counts they are judged by."""

    latencies: list = field(default_factory=list)
    expected: int = 0
    duplicates: int = 0
    failed_posts: int = 0

    def add(self, other):
        self.latencies += other.latencies
        self.expected += other.expected
        self.duplicates += other.duplicates
        self.failed_posts += other.failed_posts

    def figures(self):
        ordered = sorted(self.latencies)
        return {
            "p50_ms": percentile(ordered, 50),
            "p95_ms": percentile(ordered, 95),
            "max_ms": ordered[-1] if ordered else None,
            "received": len(ordered),
            "expected": self.expected,
            "duplicates": self.duplicates,
            "failed_posts": self.failed_posts,
        }


def percentile(ordered, p):
    """Nearest rank: the smallest sample with at least p% of the samples at or below it."""
    if not ordered:
        return None
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def open_streams(system, fleet, circles, deadline):
    """One stream per entry of `circles`, each after its circle's latest message (no replay)."""
    streams = [[circle, system.poster.last_seq.get(circle, 0)] for circle in circles]
    return fleet.open(system.url, system.cookie, streams, timeout=deadline.left())


def post_and_wait(system, fleet, planned, live, timeout):
    """Posts one message to each circle of `planned` ({circle: listeners}), then waits until
    each has reached the circle's open streams (`live`, {circle: streams}) or the timeout
    passed. Listeners whose stream did not open count as not delivered.

    Returns the deliveries, {tag: (send time, streams)} and {tag: receive times}.
    """
    deliveries = Deliveries(expected=sum(planned.values()))
    sent, times = {}, {}
    for circle in planned:
        tag = next(_tags)
        try:
            sent_at, _ = system.poster.post(circle, message_body(tag, system.mode))
        except PostFailed:
            deliveries.failed_posts += 1
            continue
        sent[tag] = (sent_at, live.get(circle, 0))
    if sent:
        times, duplicates = fleet.wait({tag: count for tag, (_, count) in sent.items()}, timeout)
        for tag, arrivals in times.items():
            deliveries.latencies += [(t - sent[tag][0]) * 1000 for t in arrivals]
        deliveries.duplicates += duplicates
    return deliveries, sent, times


def warm_up(system, fleet, circles, opened, options, deadline):
    """One message to each of `circles` that nobody counts: the streams are subscribed and
    each worker's first-request costs (imports, caches, connections) are paid before measuring."""
    live = opened["live_by_circle"]
    post_and_wait(system, fleet, dict.fromkeys(circles, 0), live, deadline.within(options))


def pause():
    time.sleep(random.uniform(0, MAX_PAUSE))  # noqa: S311 (not cryptography)


def deliver(system, fleet, planned, opened, rounds, options, deadline):
    """`rounds` rounds of post_and_wait; rounds the deadline cuts off count as not delivered."""
    total = Deliveries()
    for _ in range(rounds):
        if deadline.passed():
            total.expected += sum(planned.values())
            continue
        deliveries, _, _ = post_and_wait(
            system, fleet, planned, opened["live_by_circle"], deadline.within(options)
        )
        total.add(deliveries)
        pause()
    return total


def opening(opened):
    return {"open_s": opened["seconds"], "open_failed": opened["failed"]}


def one_circle(system, fleet, options, listeners):
    """1 circle x `listeners` listeners, --messages posts."""
    deadline = Deadline(options.deadline)
    opened = open_streams(system, fleet, [CIRCLE] * listeners, deadline)
    warm_up(system, fleet, [CIRCLE], opened, options, deadline)
    planned = {CIRCLE: listeners}
    deliveries = deliver(system, fleet, planned, opened, options.messages, options, deadline)
    return {
        "messages": options.messages,
        **opening(opened),
        "cut_by_deadline": deadline.passed(),
        **deliveries.figures(),
    }


def many_circles(system, fleet, options, circles, per_circle):
    """`circles` circles x `per_circle` listeners each; a post to each circle, --circle-rounds
    times. The posts of a round go one after another, each timed on its own."""
    deadline = Deadline(options.deadline)
    slugs = circle_slugs(circles)
    opened = open_streams(system, fleet, [s for s in slugs for _ in range(per_circle)], deadline)
    warm_up(system, fleet, slugs[:1], opened, options, deadline)
    planned = dict.fromkeys(slugs, per_circle)
    deliveries = deliver(system, fleet, planned, opened, options.circle_rounds, options, deadline)
    return {
        "messages": circles * options.circle_rounds,
        **opening(opened),
        "cut_by_deadline": deadline.passed(),
        **deliveries.figures(),
    }


def reconnect_storm(system, fleet, options, streams):
    """`streams` open streams all dropped at once and reopened at once, as after a restart, each
    after the last message it saw; then one message is posted. "live again" is the time from the
    drop until that message reached every listener."""
    deadline = Deadline(options.deadline)
    opened = open_streams(system, fleet, [CIRCLE] * streams, deadline)
    warm_up(system, fleet, [CIRCLE], opened, options, deadline)
    metrics.settle(system)
    storm = fleet.reconnect(timeout=deadline.left())
    deliveries, sent, times = post_and_wait(
        system, fleet, {CIRCLE: streams}, storm["live_by_circle"], deadline.within(options)
    )
    arrivals = [t for tag_times in times.values() for t in tag_times]
    everyone = sent and len(arrivals) == streams
    return {
        "messages": 1,
        **opening(opened),
        "reconnected": storm["live"],
        "reconnect_failed": storm["failed"],
        "headers_s": storm["seconds"],
        "live_again_s": max(arrivals) - storm["dropped_at"] if everyone else None,
        "cut_by_deadline": deadline.passed(),
        **deliveries.figures(),
    }


def idle_cpu(system, fleet, options, streams):
    """`streams` open streams and no messages: the workers' CPU use over --idle-seconds."""
    deadline = Deadline(options.deadline)
    opened = open_streams(system, fleet, [CIRCLE] * streams, deadline)
    warm_up(system, fleet, [CIRCLE], opened, options, deadline)
    metrics.settle(system)
    return {
        **opening(opened),
        "idle_s": options.idle_seconds,
        "cpu_percent": metrics.cpu_percent(system.workers(), options.idle_seconds),
    }
