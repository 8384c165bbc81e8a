"""The real backend, as production runs it: gunicorn with uvicorn workers on a loopback port.

Used by tests/backend/server/, tests/caddy/, the local acceptance stack and the benchmarks.
Each server gets its own database, named by a path (several servers may share one, to test
what crosses processes), is migrated first, and is stopped with its whole process group, even
when a test fails.

The path is a SQLite file, unless the tests run against PostgreSQL (DATABASE_URL is a
postgres:// URL, as in the tox envs backend-postgres and acceptance-postgres): then each path
stands for a fresh database of its own on that server, made on first use and dropped by
drop_database(path), or when the test run ends.
"""

import atexit
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import httpx
import port_for
import psutil
from httpx_sse import EventSource
from mirakuru import HTTPExecutor

from support import paths, postgres

BACKEND_DIR = paths.BACKEND
ASGI_APP = "ic_core.asgi:application"

# PostgreSQL databases made by this process, by the path that names them.
_databases = {}


def database_url(db_path):
    """The DATABASE_URL of the database db_path names (see the module's docstring)."""
    server = os.environ.get("DATABASE_URL", "")
    if not postgres.is_postgres(server):
        return f"sqlite:///{db_path}"
    if str(db_path) not in _databases:
        if not _databases:
            atexit.register(_drop_all)
        _databases[str(db_path)] = postgres.create_database(server, prefix="ic_live")
    return _databases[str(db_path)]


def drop_database(db_path):
    """Drops the PostgreSQL database db_path stands for, if any; a SQLite file is left alone."""
    url = _databases.pop(str(db_path), None)
    if url is not None:
        postgres.drop_database(url)


def _drop_all():
    for db_path in list(_databases):
        drop_database(db_path)


def backend_env(db_path, **extra):
    """The environment of a server or command on db_path's database (DATABASE_URL in extra
    names another database instead)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "ic_core.settings.test",
        "DATABASE_URL": extra.pop("DATABASE_URL", None) or database_url(db_path),
        "PYTHONUNBUFFERED": "1",
        # Open streams hold a worker's shutdown for this long; tests need not wait 10 s.
        "IC_GRACEFUL_TIMEOUT": "1",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(db_path, *args, **env):
    """Run a manage.py command against the server's database; JSON output is parsed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND_DIR,
        env={**os.environ, **backend_env(db_path, **env)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout) if "--json" in args else result.stdout


class LiveBackend:
    def __init__(self, db_path, log_path, workers=2, **env):
        self.db_path = db_path
        self.port = port_for.select_random()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = backend_env(db_path, IC_BIND=f"127.0.0.1:{self.port}", IC_WORKERS=workers, **env)
        self._log = None
        self.executor = None

    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.executor = HTTPExecutor(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", ASGI_APP],
            url=f"{self.url}/api/health/",
            status=r"^(200|503)$",
            cwd=str(BACKEND_DIR),
            envvars=self.env,
            timeout=60,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.executor.start()
        self.wait_for_workers()
        return self

    def stop(self):
        if self.executor is not None:
            self.executor.stop()
        if self._log is not None:
            self._log.close()

    def worker_pids(self):
        return sorted(p.pid for p in psutil.Process(self.executor.process.pid).children())

    def wait_for_workers(self, timeout=30):
        wanted = int(self.env["IC_WORKERS"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            workers = [psutil.Process(pid) for pid in self.worker_pids()]
            listening = [w for w in workers if _listens(w, self.port)]
            if len(listening) == wanted:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start {wanted} workers; see {self.log_path}")

    def worker_of(self, client_port):
        """The pid of the worker holding the TCP connection that comes from client_port."""
        for pid in self.worker_pids():
            for conn in psutil.Process(pid).net_connections(kind="tcp"):
                if conn.raddr and conn.raddr.port == client_port and conn.laddr.port == self.port:
                    return pid
        return None


def _listens(process, port):
    try:
        return any(c.laddr.port == port and c.status == "LISTEN" for c in process.net_connections())
    except psutil.Error:
        return False


@contextmanager
def running_backend(db_path, log_path, **kwargs):
    server = LiveBackend(db_path, log_path, **kwargs)
    try:
        yield server.start()
    finally:
        server.stop()


class Session:
    """A person's browser session against the live backend: cookie jar plus CSRF header."""

    def __init__(self, base_url, transport=None):
        # transport makes each client's own httpx transport (e.g. one that maps names to an
        # address): a client closes its transport with it.
        self.new_transport = transport or (lambda: None)
        self.http = self.client(base_url=base_url, timeout=10)
        self.http.get("/api/auth/csrf/").raise_for_status()

    def client(self, **options):
        """An httpx client that reaches the server as this session does."""
        return httpx.Client(transport=self.new_transport(), **options)

    def write(self, method, path, body=None, keep_alive=False):
        """A state-changing request (POST, PATCH, DELETE) as the SPA sends it."""
        # As a browser's fetch: the page's origin, which Django's CSRF check compares with the
        # host (over HTTPS it demands it, or a Referer).
        headers = {
            "X-CSRFToken": self.http.cookies["csrftoken"],
            "Origin": f"{self.http.base_url.scheme}://{self.http.base_url.netloc.decode()}",
        }
        # By default a fresh connection per write, so the kernel may hand it to either worker.
        if not keep_alive:
            headers["Connection"] = "close"
        return self.http.request(method, path, json=body, headers=headers)

    def post(self, path, body, keep_alive=False):
        return self.write("POST", path, body, keep_alive=keep_alive)

    def sign_in(self, key):
        response = self.post("/api/auth/verify-key/", {"key": key})
        response.raise_for_status()
        return self

    def post_message(self, circle, body, kind="announcement", keep_alive=False):
        message = {"circle": circle, "kind": kind, "body": body}
        response = self.post("/api/messages/", message, keep_alive=keep_alive)
        response.raise_for_status()
        if keep_alive:  # the connection is still open: note which port it came from
            network = response.extensions["network_stream"]
            self.last_client_port = network.get_extra_info("client_addr")[1]
        return response.json()

    def close(self):
        self.http.close()


class StreamListener:
    """An open SSE connection, read on a thread into a queue of (event, data, arrival time)."""

    def __init__(self, session, circle, last_event_id=None, after=None):
        self.events = queue.Queue()
        self._client = session.client(
            base_url=str(session.http.base_url),
            cookies=session.http.cookies,
            timeout=httpx.Timeout(10, read=None),
        )
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        params = {"circle": circle, **({"after": after} if after is not None else {})}
        self._stream = self._client.stream(
            "GET", "/api/messages/stream/", params=params, headers=headers
        )
        self.response = self._stream.__enter__()
        self.status_code = self.response.status_code
        network = self.response.extensions["network_stream"]
        self.client_port = network.get_extra_info("client_addr")[1]
        if self.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for sse in EventSource(self.response).iter_sse():
                if not sse.data:
                    continue  # the opening "retry:" line carries no event
                data = json.loads(sse.data) if sse.data else None
                self.events.put((sse.event, sse.id, data, time.monotonic()))
        except (httpx.HTTPError, RuntimeError, ValueError):
            pass
        finally:
            self.events.put(("closed", None, None, time.monotonic()))

    def next_event(self, timeout=10):
        return self.events.get(timeout=timeout)

    def next_message(self, timeout=10):
        """The next message event, past the stream's hello; fails the test if the stream ends
        or stays silent."""
        kind, event_id, data, arrived = self.next_event(timeout)
        while kind == "hello":
            kind, event_id, data, arrived = self.next_event(timeout)
        assert kind == "message", f"expected a message event, got {kind!r}"
        assert event_id == str(data["seq"])
        return data, arrived

    def close(self):
        self._client.close()


def on_every_worker(server, open_one, seconds=60, most=None, discard=None):
    """{worker pid: [what open_one opened]}, once every worker holds at least one of them.

    open_one(attempt) opens a connection and returns (what it opened, its client port); the
    kernel hands each connection to whichever worker accepts first. An idle worker may accept
    many in a row, so a short, varied pause between them lets another one in; on a loaded
    machine one worker may still win for a long while, so this tries for a time, not a count.
    A worker that holds `most` already keeps no more: what it got beyond that goes to discard.
    """
    by_worker, attempt = {}, 0
    deadline = time.monotonic() + seconds
    while not attempt or time.monotonic() < deadline:
        if attempt:
            time.sleep(random.uniform(0.01, 0.02 * min(attempt, 10)))  # noqa: S311 (no secret)
        opened, client_port = open_one(attempt)
        attempt += 1
        held = by_worker.setdefault(server.worker_of(client_port), [])
        if most is None or len(held) < most:
            held.append(opened)
        else:
            discard(opened)
        if set(by_worker) == set(server.worker_pids()):
            return by_worker
    counts = {pid: len(held) for pid, held in by_worker.items()}
    raise AssertionError(
        f"{attempt} connections in {seconds} s did not reach all of {server.worker_pids()}: "
        f"{counts}"
    )


def listeners_on_every_worker(server, session, circle, seconds=60):
    """Open streams until each worker holds at least one (see on_every_worker).

    Returns the listeners, in the order opened, and a {worker pid: [listeners]} map.
    """
    listeners = []

    def open_listener(_attempt):
        listener = StreamListener(session, circle)
        assert listener.status_code == 200
        listeners.append(listener)
        return listener, listener.client_port

    return listeners, on_every_worker(server, open_listener, seconds)
