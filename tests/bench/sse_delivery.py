"""Benchmark: live messages (Server-Sent Events), from the POST to every listener, on this machine.

`make bench` (tox env bench) prints figures; it is not a pass/fail test. In one run, side by side:
the bare broadcaster (bare_broadcaster.py: asyncio, no framework, no database), as the yardstick,
and the real backend (gunicorn, 2 uvicorn workers, production settings) on SQLite and on
PostgreSQL; each of them direct and through Caddy (caddy/Caddyfile). The scenarios:

- one-circle: 1 circle x 100, x 1,000 and x 5,000 listeners, --messages posts each;
- circles:    100 circles x 10 listeners, a post to each circle;
- reconnect:  1,000 streams dropped and reopened at once (a restart): time until all are live
              again, i.e. until a message posted right after has reached every one;
- idle:       1,000 open streams and no messages: the workers' CPU.

With --voice-rate N, a participant sends N responses and signals a second beside each backend
scenario (voice_load.py): the figures then include what the participants' voice costs. Presence
is always on: every stream that opens or closes is a visit to the room.

For each: p50 / p95 / max from POST sent to event received, deliveries received / expected, the
ratio to the bare broadcaster's p95 (same scenario, same way in), peak database connections,
threads and RSS per worker; the targets (report.py) beside each figure with ✓ or ✗.

"Production settings" is ic_core.settings.production with DEBUG off, as scripts/up.sh runs it on
loopback: every middleware, database sessions, JSON request logs; only what needs HTTPS is off
(SSL redirect, Secure cookies, HSTS; systems.PRODUCTION_ENV). Each run makes its own databases
(a SQLite file, a scratch PostgreSQL database from tests/support/postgres.py) and drops them.

How it measures: listeners.py holds every stream in one asyncio process (raw sockets, h11) and
stamps receive times; poster.py posts on a raw socket and stamps send times; both clocks are
CLOCK_MONOTONIC, system-wide. metrics.py samples the workers with psutil. Systems run one at a
time, so none competes with another for the two cores.

    make bench                                   # everything: minutes, and 5,000 sockets
    python tests/bench/sse_delivery.py --quick   # every part, small: a sanity run
    python tests/bench/sse_delivery.py --scenarios one-circle --listeners 100 --modes sqlite \\
        --via direct --json bench.json
"""

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import metrics, report, scenarios
from bench.listeners import ListenerProcess, raise_open_file_limit
from bench.systems import backend_system, bare_system, through_caddy, unavailable
from bench.voice_load import VoiceLoad

SCENARIOS = ("one-circle", "circles", "reconnect", "idle")
CHOICES = {
    "scenarios": SCENARIOS,
    "modes": ("bare", "sqlite", "postgres"),
    "via": ("direct", "caddy"),
}
# What each option is unless given: the sizes, or --quick's, small enough for a laptop
# that is doing other things.
PROFILES = {
    "full": {
        "listeners": "100,1000,5000",
        "circles": "100x10",
        "reconnect": 1000,
        "idle": 1000,
        "idle_seconds": 10.0,
        "messages": 20,
        "deadline": 300.0,
    },
    "quick": {
        "listeners": "50",
        "circles": "5x10",
        "reconnect": 50,
        "idle": 50,
        "idle_seconds": 3.0,
        "messages": 5,
        "deadline": 60.0,
    },
}


def csv(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_options(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Unset sizes take the issue's values, or --quick's.",
    )
    parser.add_argument("--quick", action="store_true", help="a small sanity run of every part")
    parser.add_argument("--scenarios", type=csv, default=list(SCENARIOS), help=",".join(SCENARIOS))
    parser.add_argument(
        "--modes",
        type=csv,
        default=["sqlite", "postgres"],
        help="backend databases, sqlite,postgres (the bare broadcaster always runs)",
    )
    parser.add_argument("--via", type=csv, default=["direct", "caddy"], help="direct,caddy")
    parser.add_argument("--listeners", help="one-circle sizes, e.g. 100,1000,5000")
    parser.add_argument("--circles", help="circles x listeners per circle, e.g. 100x10")
    parser.add_argument("--circle-rounds", type=int, default=1, help="posts to each circle")
    parser.add_argument("--reconnect", type=int, help="streams in the reconnect storm")
    parser.add_argument("--idle", type=int, help="open streams while idle CPU is measured")
    parser.add_argument("--idle-seconds", type=float, help="how long idle CPU is measured")
    parser.add_argument("--messages", type=int, help="posts per one-circle scenario")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (IC_WORKERS)")
    parser.add_argument(
        "--voice-rate",
        type=float,
        default=0.0,
        help="responses and signals per second sent beside each backend scenario (voice_load.py)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds a message may take to reach every listener",
    )
    parser.add_argument("--deadline", type=float, help="seconds each scenario may take in all")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure here")
    parser.add_argument(
        "--workdir", type=Path, help="keep databases and logs here (default: a temporary folder)"
    )
    options = parser.parse_args(argv)
    for name, value in PROFILES["quick" if options.quick else "full"].items():
        if getattr(options, name) is None:
            setattr(options, name, value)
    options.listeners = [int(n) for n in csv(str(options.listeners))]
    options.circles = tuple(int(n) for n in options.circles.lower().split("x"))
    options.modes = ["bare", *(m for m in options.modes if m != "bare")]
    for name, choices in CHOICES.items():
        unknown = set(getattr(options, name)) - set(choices)
        if unknown:
            parser.error(f"--{name}: unknown {', '.join(sorted(unknown))} (not in {choices})")
    return options


def progress(text):
    print(text, file=sys.stderr, flush=True)


def planned(options):
    """(scenario, function, its arguments, its size) for each scenario chosen, in order."""
    plan = []
    if "one-circle" in options.scenarios:
        plan += [
            ("one-circle", scenarios.one_circle, {"listeners": n}, {"listeners": n, "circles": 1})
            for n in options.listeners
        ]
    if "circles" in options.scenarios:
        circles, per_circle = options.circles
        size = {"listeners": circles * per_circle, "circles": circles}
        kwargs = {"circles": circles, "per_circle": per_circle}
        plan.append(("circles", scenarios.many_circles, kwargs, size))
    for name, function, streams in (
        ("reconnect", scenarios.reconnect_storm, options.reconnect),
        ("idle", scenarios.idle_cpu, options.idle),
    ):
        if name in options.scenarios:
            plan.append(
                (name, function, {"streams": streams}, {"listeners": streams, "circles": 1})
            )
    return plan


def run_scenario(system, fleet, options, scenario):
    """One row of figures; a scenario that fails says why in its row, and the run goes on."""
    name, function, kwargs, size = scenario
    row = {"scenario": name, "mode": system.mode, "via": system.via, **size}
    label = f"{system.mode}/{system.via}: {name} {size['circles']}x"
    progress(f"{label}{size['listeners'] // size['circles']} ...")
    started = time.monotonic()
    try:
        client = metrics.CpuMeter(fleet.psutil_process)
        voice = voice_beside(system, options)
        with metrics.Sampler(system) as sampler, voice or nullcontext():
            row.update(function(system, fleet, options, **kwargs))
        row.update(sampler.peaks(), client_cpu_percent=client.percent())
        if voice is not None:
            row.update(voice.figures())
    except Exception as error:  # reported in the row; the next scenario runs
        row["error"] = f"{type(error).__name__}: {error}"
    finally:
        fleet.close()
        metrics.settle(system)
    failed = f"  ({row['error']})" if "error" in row else ""
    progress(f"  done in {time.monotonic() - started:.1f} s{failed}")
    return row


def voice_beside(system, options):
    """The voice load for a backend scenario (--voice-rate), its prompt pinned; None without."""
    if not options.voice_rate or system.participant is None:
        return None
    load = VoiceLoad(system.url, system.participant, system.facilitator, options.voice_rate)
    load.pin_prompt()
    return load


@contextmanager
def started(mode, folder, options):
    if mode == "bare":
        with bare_system(folder) as system:
            yield system
    else:
        circles = options.circles[0] if "circles" in options.scenarios else 0
        with backend_system(mode, folder, options.workers, circles) as system:
            yield system


def reached(system, via, folder):
    return nullcontext(system) if via == "direct" else through_caddy(system, folder)


def run(options, folder):
    """Every system and way in, one at a time; returns the rows and notes on what did not run."""
    plan = planned(options)
    rows, notes = [], []
    fleet = ListenerProcess(folder / "listeners.log")
    try:
        for mode in options.modes:
            vias = [v for v in options.via if not skipped(mode, v, notes)]
            if vias:
                rows += run_mode(mode, vias, plan, fleet, options, folder / mode, notes)
    finally:
        fleet.stop()
    return rows, notes


def run_mode(mode, vias, plan, fleet, options, folder, notes):
    progress(f"{mode}: starting")
    folder.mkdir()
    rows = []
    try:
        with started(mode, folder, options) as system:
            for via in vias:
                with reached(system, via, folder) as reached_system:
                    rows += [run_scenario(reached_system, fleet, options, s) for s in plan]
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        if not fleet.alive():
            raise
        # A system that does not start (or dies) is noted; the others still run.
        last_line = ((getattr(error, "stderr", None) or "").strip().splitlines() or [""])[-1]
        notes.append(f"{mode}: stopped: {error} {last_line}".strip())
        progress(notes[-1])
    return rows


def skipped(mode, via, notes):
    reason = unavailable(mode, via)
    if reason:
        notes.append(f"{mode}/{via}: skipped: {reason}")
        progress(notes[-1])
    return reason is not None


@contextmanager
def work_folder(path):
    """A fresh folder for the run's databases and logs: inside `path`, kept, or temporary."""
    if path is not None:
        run_folder = path / time.strftime("run-%Y%m%d-%H%M%S")
        run_folder.mkdir(parents=True)
        yield run_folder
    else:
        with tempfile.TemporaryDirectory(prefix="ic-bench-") as tmp:
            yield Path(tmp)


def main(argv=None):
    options = parse_options(argv)
    limit = raise_open_file_limit()  # inherited by gunicorn, Caddy and the listener process
    if limit < max([*options.listeners, options.reconnect, options.idle]) * 2 + 100:
        progress(f"warning: the open-file limit is {limit}; the largest scenarios may not open")
    facts = report.run_facts(options)
    with work_folder(options.workdir) as folder:
        rows, notes = run(options, folder)
    report.judge(rows)
    print(
        f"SSE delivery benchmark, commit {facts['commit']}, {facts['cpus']} CPUs, "
        f"{options.workers} workers, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    report.print_tables(rows)
    for note in notes:
        print(f"\nNote: {note}")
    if options.json:
        report.write_json(options.json, facts, rows)
        print(f"\nEvery figure: {options.json}")


if __name__ == "__main__":
    main()
