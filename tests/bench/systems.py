"""The systems the benchmark measures, each started, seeded and stopped here:

- the bare broadcaster (bare_broadcaster.py), the yardstick;
- the real backend: gunicorn with uvicorn workers (tests/support/live_backend.py) on a SQLite
  file or on a scratch PostgreSQL database (tests/support/postgres.py), with production settings
  (PRODUCTION_ENV);
- either of them through real Caddy running caddy/Caddyfile (tests/support/live_caddy.py).

A System is what a scenario needs of one of them: the address, the listeners' cookie, a poster,
the processes to measure and a count of their database connections.
"""

import json
import secrets
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import port_for
import psutil
from mirakuru import HTTPExecutor

from bench.poster import Poster
from support import modes, postgres
from support.live_backend import Session, manage, running_backend
from support.live_caddy import running_caddy

BARE_BROADCASTER = Path(__file__).resolve().parent / "bare_broadcaster.py"
# The circle of the one-circle scenarios, and the many circles' names.
CIRCLE = "bench-one"

# ic_core.settings.production as scripts/up.sh runs it on loopback: DEBUG off, every middleware,
# database sessions and cache, JSON request logs, one proxy counted. Only what needs HTTPS is
# off (the SSL redirect, Secure cookies, HSTS); none of it is on a stream's path.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ic_core.settings.production",
    "DEBUG": "False",
    "IC_SECURE_SSL_REDIRECT": "False",
    "IC_SECURE_COOKIES": "False",
    "IC_HSTS_SECONDS": "0",
    # One participant's key sends the whole --voice-rate load: no per-person limit on it.
    "IC_RESPONSE_LIMIT": "1000000000",
}

# Run with the backend's environment by `manage.py shell -c`: every circle in one process, one
# facilitator key and one participant key that open them all (one session per role serves
# every stream and post). SLUGS is put in front.
SEED = """
import json
from access.actions import issue_keys
from access.models import Role
from circles.actions import create_circle

circles = [create_circle(slug, slug=slug) for slug in SLUGS]
facilitator = issue_keys(circles, Role.FACILITATOR, labels=["Bench facilitator"])[0]
participant = issue_keys(circles, Role.PARTICIPANT, labels=["Bench participant"])[0]
print(json.dumps({"facilitator": facilitator.plaintext, "participant": participant.plaintext}))
"""


def circle_slugs(count):
    return [f"bench-{n:03d}" for n in range(1, count + 1)]


@dataclass
class System:
    mode: str  # bare, sqlite or postgres
    via: str  # direct or caddy
    url: str
    cookie: str  # what the listeners send: the participant's session
    poster: Poster
    workers: Callable[[], list]  # the psutil.Process of each worker, now
    db_connections: Callable[[], tuple] = lambda: (None, None)  # (total, most in one worker)
    # The participant's and the facilitator's cookies (voice_load.py); none for the bare one.
    participant: dict | None = None
    facilitator: dict | None = None


def unavailable(mode, via):
    """Why this mode or way in cannot run on this machine, or None."""
    if mode == "postgres":
        return modes.postgres_unavailable()
    if via == "caddy":
        try:
            from support.live_caddy import caddy_binary

            caddy_binary()
        except RuntimeError as error:
            return str(error)
    return None


@contextmanager
def bare_system(folder):
    port = port_for.select_random()
    url = f"http://127.0.0.1:{port}"
    with open(folder / "bare.log", "ab") as log:
        executor = HTTPExecutor(
            [sys.executable, str(BARE_BROADCASTER), "--port", str(port)],
            url=f"{url}/api/health/",
            method="GET",
            status=200,
            timeout=30,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            executor.start()
            process = psutil.Process(executor.process.pid)
            yield System("bare", "direct", url, "", Poster(url), lambda: [process])
        finally:
            executor.stop()


@contextmanager
def scratch_database(mode, folder):
    """The DATABASE_URL of a database of the run's own, gone afterwards."""
    if mode == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
    else:
        with postgres.scratch_database(postgres.server_url(), prefix="ic_bench") as url:
            yield url


def seed(db_path, circles, env):
    code = f"SLUGS = {json.dumps([CIRCLE, *circle_slugs(circles)])}\n{SEED}"
    output = manage(db_path, "shell", "-c", code, **env)
    return json.loads(output.strip().splitlines()[-1])


def signed_in(url, key):
    session = Session(url).sign_in(key)
    cookies = dict(session.http.cookies.items())
    session.close()
    return cookies


@contextmanager
def backend_system(mode, folder, workers, circles):
    """The real backend on a fresh database holding CIRCLE and `circles` more."""
    db_path = folder / "bench.db"  # names the SQLite file; PostgreSQL takes DATABASE_URL
    with scratch_database(mode, folder) as database_url:
        # Fresh secrets: the key pepper must be the same for the seed and the server.
        env = {
            **PRODUCTION_ENV,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "IC_KEY_PEPPER": secrets.token_urlsafe(32),
            "DATABASE_URL": database_url,
        }
        manage(db_path, "migrate", "--noinput", **env)
        keys = seed(db_path, circles, env)
        with running_backend(
            db_path, folder / f"gunicorn-{mode}.log", workers=workers, **env
        ) as server:
            participant = signed_in(server.url, keys["participant"])
            facilitator = signed_in(server.url, keys["facilitator"])
            poster = Poster(server.url, facilitator, facilitator["csrftoken"])

            def worker_processes():
                return [psutil.Process(pid) for pid in server.worker_pids()]

            if mode == "sqlite":
                counter = SqliteConnections(db_path, worker_processes)
            else:
                counter = PostgresConnections(database_url, workers)
            try:
                yield System(
                    mode,
                    "direct",
                    server.url,
                    f"ic_session={participant['ic_session']}",
                    poster,
                    worker_processes,
                    counter,
                    participant,
                    facilitator,
                )
            finally:
                counter.close()


@contextmanager
def through_caddy(system, folder):
    """The same system with Caddy in front: its URL, posting through it too."""
    site = folder / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("<!doctype html><title>bench</title>\n")
    upstream = urlsplit(system.url).netloc
    with running_caddy(folder / f"caddy-{system.mode}", site, upstream) as caddy:
        yield replace(system, via="caddy", url=caddy.url, poster=system.poster.to(caddy.url))


class SqliteConnections:
    """Open SQLite connections: each worker's descriptors on the database file (a connection
    holds one; the -wal and -shm files are not counted)."""

    def __init__(self, db_path, workers):
        self.db_path = str(Path(db_path).resolve())
        self.workers = workers

    def __call__(self):
        counts = []
        for worker in self.workers():
            try:
                counts.append(sum(f.path == self.db_path for f in worker.open_files()))
            except psutil.Error:
                counts.append(0)
        return sum(counts), max(counts, default=0)

    def close(self):
        pass


class PostgresConnections:
    """Connections to the scratch database (its own left out). The server does not say which
    worker holds each, so the most in one worker is the total shared out evenly."""

    QUERY = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"

    def __init__(self, database_url, workers):
        import psycopg

        self.workers = workers
        self.connection = psycopg.connect(database_url, autocommit=True)

    def __call__(self):
        total = self.connection.execute(f"{self.QUERY} AND pid <> pg_backend_pid()").fetchone()[0]
        return total, round(total / self.workers, 1)

    def close(self):
        self.connection.close()
