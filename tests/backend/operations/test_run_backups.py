"""manage.py run_backups: the stack's backup schedule. A real process, with short intervals:
a backup at start and then every interval, one JSON log line each, failures logged while it
carries on, and a clean stop within a second of SIGTERM or SIGINT, even in the middle of a
backup."""

import itertools
import json
import os
import queue
import signal
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path

import psutil
import pytest

# A stand-in for pg_dump that starts writing the backup, then hangs: a backup in progress.
HANGING_PG_DUMP = """#!/bin/sh
for arg; do case "$arg" in --file=*) file="${{arg#--file=}}";; esac; done
printf 'PGDMP half a dump' > "$file"
echo $$ > {started}
exec sleep 60
"""


class Scheduler:
    """run_backups running beside the test; its log lines (JSON) read as they come."""

    def __init__(self, operator, *args, **env):
        self.process = operator.start(
            "run_backups",
            *args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # the log
            text=True,
        )
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self, message, timeout=30):
        """The next log line with this message, as a dict."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"run_backups ended: {''.join(self.seen)}")
            self.seen.append(line)
            record = json.loads(line)  # every line is JSON
            if record["message"] == message:
                return record
        raise AssertionError(f"no {message!r} within {timeout} s: {''.join(self.seen)}")

    def stop(self, sig=signal.SIGTERM):
        """(exit code, seconds it took) after sig."""
        sent = time.monotonic()
        self.process.send_signal(sig)
        code = self.process.wait(timeout=10)
        return code, time.monotonic() - sent

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def scheduler():
    """scheduler(operator, *args, **env) -> a running Scheduler, killed after the test."""
    started = []

    def start(operator, *args, **env):
        started.append(Scheduler(operator, *args, **env))
        return started[-1]

    yield start
    for process in started:
        process.kill()


@pytest.mark.sqlite
def test_it_backs_up_at_start_and_then_every_interval_keeping_the_newest(operator, scheduler):
    run = scheduler(operator, "--interval", "1", "--keep", "2")

    scheduled = run.next_line("backups scheduled")
    made = [run.next_line("backup made") for _ in range(4)]

    assert scheduled["interval_seconds"] == 1
    assert scheduled["next_in_seconds"] == 0  # no backup yet: one at once
    assert scheduled["directory"] == str(operator.backup_dir)
    for record in made:
        assert Path(record["file"]).parent == operator.backup_dir
        assert record["size"] > 0
        assert record["duration_ms"] >= 0
        assert record["level"] == "INFO"
        assert record["logger"] == "ic.backup"
    times = [datetime.strptime(r["time"], "%Y-%m-%d %H:%M:%S,%f") for r in made]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert all(0.9 <= gap < 2 for gap in gaps), gaps  # one interval apart
    assert made[2]["pruned"] == [made[0]["file"]]
    assert sorted(p.name for p in operator.backup_dir.iterdir()) == sorted(
        Path(r["file"]).name for r in made[2:]
    )
    assert run.stop()[0] == 0


@pytest.mark.sqlite
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_it_stops_within_a_second_of_a_stop_signal(operator, scheduler, sig):
    run = scheduler(operator, "--interval", "3600")
    run.next_line("backup made")

    code, took = run.stop(sig)

    assert code == 0
    assert took < 1
    assert run.next_line("backups stopped")["signal"] == sig.name


@pytest.mark.postgresql
def test_it_abandons_a_backup_in_progress_on_sigterm_and_leaves_nothing(
    pg_operator, scheduler, tmp_path
):
    tools, started = tmp_path / "tools", tmp_path / "pg_dump-started"
    tools.mkdir()
    (tools / "pg_dump").write_text(HANGING_PG_DUMP.format(started=started))
    (tools / "pg_dump").chmod(0o755)
    run = scheduler(pg_operator, "--interval", "3600", PATH=f"{tools}:{os.environ['PATH']}")
    deadline = time.monotonic() + 30
    while not (started.exists() and started.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pg_dump = int(started.read_text())
    assert [p.name.startswith(".inquirycircle-") for p in pg_operator.backup_dir.iterdir()] == [
        True
    ]  # the temporary file, half written

    code, took = run.stop()

    assert (code, took < 1) == (0, True)
    assert list(pg_operator.backup_dir.iterdir()) == []
    assert not psutil.pid_exists(pg_dump)  # killed, not left behind
    run.next_line("backups stopped")


@pytest.mark.postgresql
def test_it_backs_up_postgresql(pg_operator, scheduler):
    run = scheduler(pg_operator, "--interval", "3600")

    made = run.next_line("backup made")

    assert made["file"].endswith(".pgdump")
    assert Path(made["file"]).exists()
    assert run.stop()[0] == 0


@pytest.mark.sqlite
def test_it_waits_out_the_interval_when_the_newest_backup_is_recent(operator, scheduler):
    operator.backup()

    run = scheduler(operator, "--interval", "3600")
    scheduled = run.next_line("backups scheduled")

    assert 3500 < scheduled["next_in_seconds"] <= 3600
    assert len(list(operator.backup_dir.iterdir())) == 1
    assert run.stop()[0] == 0


@pytest.mark.sqlite
def test_it_logs_a_failed_backup_and_tries_again(operator, scheduler, small_disk):
    operator.fill()
    run = scheduler(operator, "--interval", "1", "--dir", str(small_disk))

    failed = [run.next_line("backup failed") for _ in range(2)]

    assert failed[0]["level"] == "ERROR"
    assert f"The backup folder {small_disk} is full" in failed[0]["error"]
    assert "exc_info" not in failed[0]  # a sentence, no traceback
    assert [f["failures"] for f in failed] == [1, 2]
    assert failed[1]["next_in_seconds"] == 1  # never later than the interval
    assert run.process.poll() is None  # still running
    assert list(small_disk.iterdir()) == []
    assert run.stop()[0] == 0


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--keep", "0"], {}, "CommandError: IC_BACKUP_KEEP (or --keep) is 0: keep at least 1"),
        (["--interval", "0"], {}, "CommandError: IC_BACKUP_INTERVAL (or --interval) is 0"),
        ([], {"IC_BACKUP_KEEP": "0"}, "CommandError: IC_BACKUP_KEEP (or --keep) is 0"),
        (
            [],
            {"IC_BACKUP_KEEP": "lots"},
            "InquiryCircle cannot start: IC_BACKUP_KEEP='lots' is not a whole number.",
        ),
        (
            [],
            {"IC_BACKUP_INTERVAL": "daily"},
            "InquiryCircle cannot start: IC_BACKUP_INTERVAL='daily' is not a whole number.",
        ),
        (
            [],
            {"IC_BACKUP_INTERVAL": "0"},
            "CommandError: IC_BACKUP_INTERVAL (or --interval) is 0",
        ),
    ],
)
def test_it_refuses_bad_settings_in_one_sentence(operator, args, env, said):
    result = operator.run("run_backups", *args, **env)

    assert result.returncode in (1, 2)
    assert result.stderr.startswith(said), result.stderr
    assert "Traceback" not in result.stderr
    assert not operator.backup_dir.exists()


@pytest.mark.sqlite
def test_it_reads_the_interval_from_ic_backup_interval(operator, scheduler):
    run = scheduler(operator, IC_BACKUP_INTERVAL="7200", IC_BACKUP_KEEP="3")

    scheduled = run.next_line("backups scheduled")

    assert (scheduled["interval_seconds"], scheduled["keep"]) == (7200, 3)
    assert run.stop()[0] == 0


# An old attendance record and an old private response, past IC_VOICE_RETENTION_DAYS.
EXPIRED_VOICE = """
from datetime import timedelta
from django.utils import timezone
from access.models import AccessKey
from circles.models import Circle
from facilitation import presence
from facilitation.actions import post_message
from facilitation.models import Message, Visit
from voice.models import PromptResponse

circle = Circle.objects.get(slug="demo")
fay = AccessKey.objects.filter(role="facilitator").first()
pat = AccessKey.objects.filter(role="participant").first()
long_ago = timezone.now() - timedelta(days=400)
presence.left_room(presence.entered_room(circle.pk, pat.pk, "Pat", "participant"))
Visit.objects.update(joined_at=long_ago, left_at=long_ago, seen_at=long_ago)
prompt = post_message(circle, fay, "prompt", "Long ago")
PromptResponse.objects.create(
    circle=circle, prompt=prompt, author=pat, author_name="Pat", body="Expired words",
    created_at=long_ago,
)
"""


@pytest.mark.sqlite
def test_what_has_expired_is_pruned_before_the_backup_and_is_not_in_it(operator, scheduler):
    operator.ok("seed_demo")
    operator.ok("shell", "--no-imports", "-c", EXPIRED_VOICE)

    run = scheduler(operator, "--interval", "3600")
    pruned = run.next_line("expired records pruned")
    made = run.next_line("backup made")
    run.stop()

    assert pruned["deleted"] == {"visits": 1, "signals": 0, "responses": 1}
    backup = Path(made["file"])
    assert operator.query("SELECT count(*) FROM voice_promptresponse") == [(0,)]
    assert operator.query("SELECT count(*) FROM voice_promptresponse", db=backup) == [(0,)]
    assert operator.query("SELECT count(*) FROM facilitation_visit", db=backup) == [(0,)]
