"""The benchmark's targets, and its figures as tables on stdout and as JSON.

The targets are the issue's; they are printed beside the figures with ✓ or ✗, never asserted
(`make bench` is not a pass/fail test):

- every delivery received, none twice;
- p95 at most 2x the bare broadcaster's in the same run (same scenario, same way in), and at
  most 100 ms up to 1,000 listeners (workers and replicas included);
- database connections a small constant per worker whatever the number of streams: at most
  DB_CONNECTIONS_PER_WORKER (the live poller's, and a request or two in flight);
- a reconnect storm live again within 3x the bare broadcaster's time;
- idle CPU with the streams open and no messages at most 5% of one core, all workers together.
"""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime

from support import paths

REPOSITORY = paths.REPO

P95_VS_BARE = 2.0
P95_MS = 100
P95_MS_UP_TO_LISTENERS = 1000
DB_CONNECTIONS_PER_WORKER = 4
RECONNECT_VS_BARE = 3.0
IDLE_CPU_PERCENT = 5.0
# A listener process busier than this over a scenario (mostly spent waiting) may have been what
# set the latency; the table says so.
CLIENT_BUSY_PERCENT = 50

TITLES = {
    "one-circle": "1 circle x {listeners} listeners, {messages} messages",
    "circles": "{circles} circles x {per_circle} listeners, a post to each circle ({messages})",
    "reconnect": "{listeners} streams reconnecting at once (a restart)",
    "idle": "idle: {listeners} open streams, no messages, {idle_s} s",
}


def bare_row(rows, row):
    """The bare broadcaster's row for the same scenario, size and way in."""
    for other in rows:
        if other["mode"] == "bare" and all(
            other.get(k) == row.get(k) for k in ("scenario", "listeners", "circles", "via")
        ):
            return other
    return None


def ratio(value, reference):
    if value is None or not reference:
        return None
    return value / reference


def judge(rows):
    """Adds to each row its ratios to the bare broadcaster and a verdict per target."""
    for row in rows:
        if "error" in row:
            continue
        bare = bare_row(rows, row) or {}
        targets = {}
        if "received" in row:
            targets["all_delivered"] = row["received"] == row["expected"] and not row["duplicates"]
        if row["scenario"] in ("one-circle", "circles"):
            row["p95_vs_bare"] = ratio(row["p95_ms"], bare.get("p95_ms"))
            if row["mode"] != "bare" and row["p95_vs_bare"] is not None:
                targets["p95_vs_bare"] = row["p95_vs_bare"] <= P95_VS_BARE
            if row["listeners"] <= P95_MS_UP_TO_LISTENERS and row["p95_ms"] is not None:
                targets["p95_ms"] = row["p95_ms"] <= P95_MS
        if row["scenario"] == "reconnect":
            row["live_again_vs_bare"] = ratio(row["live_again_s"], bare.get("live_again_s"))
            if row["mode"] != "bare" and row["live_again_s"] is None:
                targets["live_again_vs_bare"] = False  # not every stream came back
            elif row["mode"] != "bare" and row["live_again_vs_bare"] is not None:
                targets["live_again_vs_bare"] = row["live_again_vs_bare"] <= RECONNECT_VS_BARE
        if row["scenario"] == "idle":
            targets["idle_cpu"] = row["cpu_percent"] <= IDLE_CPU_PERCENT
        if row.get("db_connections_per_worker") is not None:
            targets["db_connections"] = row["db_connections_per_worker"] <= (
                DB_CONNECTIONS_PER_WORKER
            )
        row["targets"] = targets
    return rows


def mark(row, target):
    verdict = row.get("targets", {}).get(target)
    return "" if verdict is None else (" ✓" if verdict else " ✗")


def number(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def received(row):
    text = f"{row['received']}/{row['expected']}"
    if row.get("duplicates"):
        text += f" +{row['duplicates']} twice"
    if row.get("failed_posts"):
        text += f" ({row['failed_posts']} posts failed)"
    return text + mark(row, "all_delivered")


def times_bare(row, key, target):
    value = row.get(key)
    return "-" if value is None else f"{value:.2f}x{mark(row, target)}"


def db_connections(row):
    if row.get("db_connections") is None:
        return "-"
    per_worker = row["db_connections_per_worker"]
    per_worker = f"{per_worker:g}" if isinstance(per_worker, float) else per_worker
    return f"{row['db_connections']} ({per_worker}/worker){mark(row, 'db_connections')}"


COMMON_HEAD = [
    ("mode", lambda r: r["mode"]),
    ("via", lambda r: r["via"]),
]


def voice_sent(row):
    """Responses and signals sent beside the scenario (--voice-rate), and how many failed."""
    if "voice_sent" not in row:
        return "-"
    return f"{row['voice_sent']} ({row['voice_failed']} failed)"


COMMON_TAIL = [
    ("voice sent", voice_sent),
    ("DB conns", db_connections),
    ("threads/worker", lambda r: str(r.get("threads_per_worker") or "-")),
    ("RSS MB/worker", lambda r: number(r.get("rss_mb_per_worker"), 0)),
]
DELIVERY = [
    ("open s", lambda r: number(r["open_s"], 2)),
    ("p50 ms", lambda r: number(r["p50_ms"])),
    ("p95 ms", lambda r: number(r["p95_ms"]) + mark(r, "p95_ms")),
    ("max ms", lambda r: number(r["max_ms"])),
    ("received", received),
    ("p95 ÷ bare", lambda r: times_bare(r, "p95_vs_bare", "p95_vs_bare")),
]
COLUMNS = {
    "one-circle": DELIVERY,
    "circles": DELIVERY,
    "reconnect": [
        ("reconnected", lambda r: f"{r['reconnected']}/{r['listeners']}"),
        ("headers s", lambda r: number(r["headers_s"], 2)),
        ("live again s", lambda r: number(r["live_again_s"], 2)),
        ("÷ bare", lambda r: times_bare(r, "live_again_vs_bare", "live_again_vs_bare")),
        ("received", received),
    ],
    "idle": [
        ("open", lambda r: f"{r['listeners'] - r['open_failed']}/{r['listeners']}"),
        ("CPU % of a core", lambda r: number(r["cpu_percent"]) + mark(r, "idle_cpu")),
    ],
}
TARGET_LINES = {
    "one-circle": f"targets: all received; p95 ≤ {P95_VS_BARE:g}x bare"
    f" and ≤ {P95_MS} ms (up to {P95_MS_UP_TO_LISTENERS} listeners);"
    f" DB conns ≤ {DB_CONNECTIONS_PER_WORKER}/worker",
    "reconnect": f"targets: all live again within {RECONNECT_VS_BARE:g}x bare;"
    f" DB conns ≤ {DB_CONNECTIONS_PER_WORKER}/worker",
    "idle": f"targets: CPU ≤ {IDLE_CPU_PERCENT:g}% of one core (all workers);"
    f" DB conns ≤ {DB_CONNECTIONS_PER_WORKER}/worker",
}
TARGET_LINES["circles"] = TARGET_LINES["one-circle"]


def groups(rows):
    """Rows of the same scenario and size, in the order they ran."""
    grouped = {}
    for row in rows:
        grouped.setdefault((row["scenario"], row["listeners"], row["circles"]), []).append(row)
    return grouped.values()


def title(row):
    fields = {**row, "per_circle": row["listeners"] // max(1, row["circles"])}
    fields.setdefault("messages", "")
    fields.setdefault("idle_s", "")
    return TITLES[row["scenario"]].format(**fields)


def table(rows):
    columns = [*COMMON_HEAD, *COLUMNS[rows[0]["scenario"]], *COMMON_TAIL]
    cells = [[name for name, _ in columns]]
    notes = []
    for row in rows:
        if "error" in row:
            notes.append(f"  {row['mode']}/{row['via']}: failed: {row['error']}")
            continue
        cells.append([cell(row) for _, cell in columns])
        if row.get("cut_by_deadline"):
            notes.append(f"  {row['mode']}/{row['via']}: cut short by the scenario's deadline")
        if (row.get("client_cpu_percent") or 0) > CLIENT_BUSY_PERCENT:
            notes.append(
                f"  {row['mode']}/{row['via']}: the listener process was busy"
                f" {row['client_cpu_percent']:.0f}% of a core: the client may have added latency"
            )
        if row.get("open_failed"):
            notes.append(f"  {row['mode']}/{row['via']}: {row['open_failed']} streams did not open")
    widths = [max(len(line[n]) for line in cells) for n in range(len(columns))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
    return "\n".join([title(rows[0]), TARGET_LINES[rows[0]["scenario"]], *lines, *notes])


def print_tables(rows):
    for grouped in groups(rows):
        print()
        print(table(grouped))


def git_commit():
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except OSError:
        return None
    return result.stdout.strip() or None


def run_facts(options):
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "options": vars(options),
    }


def write_json(path, facts, rows):
    targets = {
        "p95_vs_bare": P95_VS_BARE,
        "p95_ms": P95_MS,
        "p95_ms_up_to_listeners": P95_MS_UP_TO_LISTENERS,
        "db_connections_per_worker": DB_CONNECTIONS_PER_WORKER,
        "reconnect_vs_bare": RECONNECT_VS_BARE,
        "idle_cpu_percent": IDLE_CPU_PERCENT,
    }
    with open(path, "w") as out:
        json.dump({"run": facts, "targets": targets, "results": rows}, out, indent=2, default=str)
        out.write("\n")
