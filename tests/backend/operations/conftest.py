"""Backups need a database file, not the test suite's in-memory one: each test migrates a real
SQLite file in tmp_path and runs manage.py on it in a subprocess, as an operator would."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from support.live_backend import BACKEND_DIR, backend_env

# The app's own tables: what a restore must bring back exactly.
APP_TABLES = (
    "circles_circle",
    "access_accesskey",
    "access_accesskey_circles",
    "facilitation_message",
)

POST_MESSAGES = """
from access.models import AccessKey
from facilitation.actions import post_message
from circles.models import Circle

circle = Circle.objects.get(slug="demo")
author = AccessKey.objects.filter(role="facilitator", circles=circle).first()
for n in range({count}):
    post_message(circle, author, "announcement", "{prefix} %d" % n)
"""

# Posts until the stop file appears, then prints how many it posted.
WRITER = """
import pathlib
from access.models import AccessKey
from circles.models import Circle
from facilitation.actions import post_message

circle = Circle.objects.get(slug="demo")
author = AccessKey.objects.filter(role="facilitator", circles=circle).first()
stop = pathlib.Path({stop!r})
n = 0
while not stop.exists():
    post_message(circle, author, "announcement", "message %d" % n)
    n += 1
print(n)
"""


class Operator:
    """manage.py against one database file, with backups going to backup_dir."""

    def __init__(self, db_path, backup_dir):
        self.db_path = db_path
        self.backup_dir = backup_dir

    def env(self, db=None, **extra):
        extra = {"IC_BACKUP_DIR": self.backup_dir, **extra}
        return {**os.environ, **backend_env(db or self.db_path, **extra)}

    def run(self, *args, db=None, stdin=subprocess.DEVNULL, **env):
        """The finished process; db picks another database file, env adds variables."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BACKEND_DIR,
            env=self.env(db, **env),
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self, *args, **popen):
        """A command left running beside the test, e.g. a writer."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=BACKEND_DIR, env=self.env(), **popen
        )

    def ok(self, *args, **kwargs):
        """stdout of a command that must succeed; parsed when it was run with --json."""
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if "--json" in args else result.stdout

    def refused(self, *args, **kwargs):
        """What an operator sees when a command refuses: one CommandError line, no traceback."""
        result = self.run(*args, **kwargs)
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr.startswith("CommandError: "), result.stderr
        assert "Traceback" not in result.stderr
        return result.stderr

    def backup(self, *args, **kwargs):
        return self.ok("backup_db", "--json", *args, **kwargs)

    def restore(self, file, *args, **kwargs):
        return self.ok("restore_db", str(file), "--yes", "--json", *args, **kwargs)

    def post_messages(self, count, prefix="message", **kwargs):
        """count messages in the demo circle, each posted by the real action."""
        self.ok(
            "shell",
            "--no-imports",
            "-c",
            POST_MESSAGES.format(count=count, prefix=prefix),
            **kwargs,
        )

    @contextmanager
    def writer(self, stop):
        """A process posting messages in the demo circle, one transaction each, for the time of
        the with block; what it yields has .committed, the number it posted, after the block."""
        code = WRITER.format(stop=str(stop))
        process = self.start(
            "shell",
            "--no-imports",
            "-c",
            code,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        result = SimpleNamespace(committed=None)
        try:
            yield result
        finally:
            stop.touch()
            out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert err == ""  # never "database is locked"
        result.committed = int(out)

    def wait_for_messages(self, at_least, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.query("SELECT count(*) FROM facilitation_message")[0][0] >= at_least:
                return
            time.sleep(0.05)
        raise AssertionError(f"the writer did not post {at_least} messages in {timeout} s")

    def query(self, sql, db=None):
        """Rows read straight from a database file (this one unless db is given)."""
        conn = sqlite3.connect(db or self.db_path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def data(self, db=None):
        """Every row of the app's tables, in id order: equal data means an exact restore."""
        return {table: self.query(f"SELECT * FROM {table} ORDER BY id", db) for table in APP_TABLES}  # noqa: S608

    def integrity(self, db):
        return self.query("PRAGMA integrity_check", db)[0][0]

    def seqs(self, db=None):
        """The demo circle's message numbers, and its last_seq counter."""
        numbers = self.query("SELECT seq FROM facilitation_message ORDER BY seq", db)
        (last_seq,) = self.query("SELECT last_seq FROM circles_circle WHERE slug = 'demo'", db)[0]
        return [n for (n,) in numbers], last_seq


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """Database files made once per run and copied for each test: migrating takes a second."""
    folder = tmp_path_factory.mktemp("templates")
    migrated, demo = folder / "migrated.db", folder / "demo.db"
    Operator(migrated, folder / "backups").ok("migrate", "--noinput")
    shutil.copyfile(migrated, demo)
    Operator(demo, folder / "backups").ok("seed_demo")
    # The commands have exited, so each file is whole: no -wal file waits to be checkpointed.
    assert not list(folder.glob("*-wal"))
    return {"migrated": migrated, "demo": demo}


@pytest.fixture
def make_db(tmp_path, templates):
    """make_db(name, demo=False) -> a migrated database file in tmp_path, empty or with the
    seed_demo circle and its four keys."""

    def make(name, demo=False):
        path = tmp_path / name
        shutil.copyfile(templates["demo" if demo else "migrated"], path)
        return path

    return make


@pytest.fixture
def operator(make_db, tmp_path):
    """An Operator on a database holding the seed_demo circle and its four keys."""
    return Operator(make_db("inquirycircle.db", demo=True), tmp_path / "backups")
