"""Backups need a real database, not the test suite's: each test gets a migrated SQLite file in
tmp_path (operator), or a PostgreSQL database of its own on the test server (pg_operator), and
runs manage.py on it in a subprocess, as an operator would."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from types import SimpleNamespace

import psycopg
import pytest

from support import postgres
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

# Messages of random text, which no compression shrinks much: a database of some 800 KB.
FILL = """
import secrets
from access.models import AccessKey
from circles.models import Circle
from facilitation.actions import post_message

circle = Circle.objects.get(slug="demo")
author = AccessKey.objects.filter(role="facilitator", circles=circle).first()
for n in range(200):
    post_message(circle, author, "announcement", secrets.token_urlsafe(2400))
"""

# Signs in with a key through the API, as the SPA does; prints the status and the session id.
SIGN_IN = """
import json
from django.test import Client

client = Client()
response = client.post("/api/auth/verify-key/", {{"key": {key!r}}}, content_type="application/json")
session = client.cookies.get("ic_session")
print(json.dumps({{"status": response.status_code, "session": session.value if session else None}}))
"""

# Who the API says a session cookie belongs to: the status of /api/auth/me/.
WHO_AM_I = """
from django.test import Client

client = Client()
client.cookies["ic_session"] = {session!r}
print(client.get("/api/auth/me/").status_code)
"""


class Operator:
    """manage.py against one database, with backups going to backup_dir. The database is a
    SQLite file (a Path) or a PostgreSQL URL; keys are the seed_demo keys, if it has them."""

    def __init__(self, db_path, backup_dir, keys=None):
        self.db_path = db_path
        self.backup_dir = backup_dir
        self.keys = keys

    def env(self, db=None, **extra):
        db = db or self.db_path
        if self.backup_dir is not None:
            extra = {"IC_BACKUP_DIR": self.backup_dir, **extra}
        if postgres.is_postgres(str(db)):
            extra.setdefault("DATABASE_URL", db)
        return {**os.environ, **backend_env(db, **extra)}

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

    def start(self, *args, env=None, **popen):
        """A command left running beside the test, e.g. a writer; env adds variables."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=BACKEND_DIR,
            env=self.env(**(env or {})),
            **popen,
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
        """Rows read straight from a database (this one unless db is given)."""
        db = db or self.db_path
        if postgres.is_postgres(str(db)):
            with psycopg.connect(db) as conn:
                return conn.execute(sql).fetchall()
        conn = sqlite3.connect(db)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def fill(self):
        """Some 600 KB of messages that do not compress."""
        self.ok("shell", "--no-imports", "-c", FILL)

    def try_key(self, key):
        """{"status": ..., "session": ...} of a sign-in with key, through the API."""
        return json.loads(self.ok("shell", "--no-imports", "-c", SIGN_IN.format(key=key)))

    def sign_in(self, key):
        """The session id of a new sign-in with key."""
        result = self.try_key(key)
        assert result["status"] == 200, result
        return result["session"]

    def who_am_i(self, session):
        """The status /api/auth/me/ answers a browser holding this session: 200 or 401."""
        return int(self.ok("shell", "--no-imports", "-c", WHO_AM_I.format(session=session)))

    def epoch(self):
        return self.query("SELECT value FROM live_epoch")

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
    keys = Operator(demo, folder / "backups").ok("seed_demo", "--json")
    # The commands have exited, so each file is whole: no -wal file waits to be checkpointed.
    assert not list(folder.glob("*-wal"))
    return {"migrated": migrated, "demo": demo, "keys": keys}


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
def operator(make_db, tmp_path, templates):
    """An Operator on a SQLite file holding the seed_demo circle and its four keys."""
    db = make_db("inquirycircle.db", demo=True)
    return Operator(db, tmp_path / "backups", templates["keys"])


@pytest.fixture(scope="session")
def pg_template(postgres_server):
    """A PostgreSQL database migrated and seeded once per run, copied for each test."""
    url = postgres.create_database(postgres_server, prefix="ic_backup_template")
    try:
        operator = Operator(url, None)
        operator.ok("migrate", "--noinput")
        keys = operator.ok("seed_demo", "--json")
        yield {"url": url, "keys": keys}
    finally:
        postgres.drop_database(url)


@pytest.fixture
def pg_operator(pg_template, postgres_server, tmp_path):
    """An Operator on a PostgreSQL database of the test's own, holding the seed_demo circle and
    its four keys; dropped after the test."""
    with postgres.scratch_database(
        postgres_server, prefix="ic_backup", template=pg_template["url"]
    ) as url:
        yield Operator(url, tmp_path / "backups", pg_template["keys"])


@pytest.fixture(
    params=[
        pytest.param("sqlite", marks=pytest.mark.sqlite),
        pytest.param("postgresql", marks=pytest.mark.postgresql),
    ]
)
def each_operator(request):
    """The test runs twice: with an operator on SQLite, then on PostgreSQL."""
    return request.getfixturevalue("operator" if request.param == "sqlite" else "pg_operator")


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a disk of its own with 384 KB of room (an empty migrated SQLite file is
    some 290 KB): a real tmpfs, mounted for the test.
    Mounting takes root, which CI is; elsewhere the test fails and says so."""
    if os.geteuid() != 0:
        pytest.fail(
            "The full-disk tests mount a small tmpfs, which only root may do: run them as root "
            "(CI does).",
            pytrace=False,
        )
    mount = tmp_path / "small-disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=384k,mode=0750", "tmpfs", str(mount)],
        check=True,
        capture_output=True,
    )
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True, capture_output=True)
