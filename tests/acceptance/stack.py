"""The stack the acceptance suite runs against: started here (`local`) or already deployed
(`--base-url`), or the containers (`compose`, see compose_stack.py). Scenarios see only this
interface, so the same steps serve every mode.
"""

import os
import secrets
import sqlite3
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from acceptance.compose_stack import (
    ComposeRuntime,
    EngineUnavailable,
    ProductionComposeRuntime,
    check_engine,
)
from support import postgres
from support.live_backend import LiveBackend, manage
from support.live_caddy import LiveCaddy

REPO_DIR = Path(__file__).resolve().parents[2]
SITE_ROOT = REPO_DIR / "caddy" / "site" / "dist"
# What the offline frontend image is built from (SPA_PREBUILT): the compose stacks serve that.
FRONTEND_DIST = REPO_DIR / "frontend" / "dist"

# Keys for smoke runs against a deployment: the operator issues them for a circle set aside
# for smoke tests (see features/README.md).
SMOKE_ENV = {
    "circle": "IC_SMOKE_CIRCLE",
    "facilitator_key": "IC_SMOKE_FACILITATOR_KEY",
    "participant_key": "IC_SMOKE_PARTICIPANT_KEY",
}


class StackUnavailable(Exception):
    """The stack cannot be had; the message says what is missing."""


@dataclass
class Stack:
    mode: str
    base_url: str
    circle: str | None = None
    facilitator_key: str | None = None
    participant_keys: list = field(default_factory=list)
    jitsi_secret: str | None = None
    # What the suite started (LocalRuntime or ComposeRuntime); None for a deployed stack.
    runtime: object | None = None

    @property
    def participant_key(self):
        return self.participant_keys[0] if self.participant_keys else None

    def started(self, what, mode=None):
        """The runtime, for steps that act on the stack itself (restarts, the database)."""
        if self.runtime is None or (mode and self.mode != mode):
            needs = f"the {mode} stack" if mode else "a stack the suite started"
            raise StackUnavailable(f"{what} needs {needs}, not {self.mode} ({self.base_url})")
        return self.runtime

    def manage(self, *args):
        """A manage.py command against the stack's database."""
        return self.started("manage.py").manage(*args)

    def restart_backend(self):
        """Stops and starts the backend, keeping its address and database."""
        self.started("Restarting the backend").restart_backend()

    def take_database_away(self):
        self.started("Taking the database away").take_database_away()

    def bring_database_back(self):
        self.started("Bringing the database back").bring_database_back()

    def database_exists(self):
        return self.started("Looking at the database file").database_exists()

    def database_tables(self):
        return self.started("Looking into the database").database_tables()


class LocalRuntime:
    """The backend (gunicorn) and its SQLite file on this machine."""

    def __init__(self, backend: LiveBackend, db_path: Path):
        self.backend = backend
        self.db_path = db_path
        self.backup_dir = db_path.parent / "backups"

    def manage(self, *args):
        return manage(self.db_path, *args)

    def restart_backend(self):
        self.backend.stop()
        self.backend.start()

    def database_exists(self):
        return self.db_path.is_file()

    def take_database_away(self):
        """SQLite: its folder is gone (a volume unmounted); PostgreSQL: the database refuses
        connections and those open are ended, as a stopped server would."""
        url = self.backend.env["DATABASE_URL"]
        if postgres.is_postgres(url):
            postgres.refuse_connections(url, refuse=True)
        else:
            self.db_path.parent.rename(self._away())

    def bring_database_back(self):
        url = self.backend.env["DATABASE_URL"]
        if postgres.is_postgres(url):
            postgres.refuse_connections(url, refuse=False)
        elif self._away().exists():
            self._away().rename(self.db_path.parent)

    def _away(self):
        return self.db_path.parent.with_name(self.db_path.parent.name + "-away")

    def database_tables(self):
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as db:
            return {row[0] for row in db.execute("SELECT name FROM sqlite_master")}


JITSI_APP_ID = "inquirycircle-acceptance"


def start_local_stack(exit_stack: ExitStack, jitsi_domain=None):
    """Backend (fresh database, demo data) and Caddy on loopback, as `make up` wires them.

    With a jitsi_domain (the stand-in), video runs in token mode there, as a self-hosted Jitsi
    with token authentication would; streams beat every second, so a revoked key's stream
    ends quickly.
    """
    if not (SITE_ROOT / "index.html").exists():
        raise StackUnavailable(f"{SITE_ROOT} has no built app: run `make build-frontend` first")
    folder = Path(exit_stack.enter_context(tempfile.TemporaryDirectory(prefix="ic-acceptance-")))
    db_path = folder / "inquirycircle.db"
    manage(db_path, "migrate", "--noinput")
    demo = manage(db_path, "seed_demo", "--json")
    jitsi_secret = secrets.token_urlsafe(32)
    jitsi = {}
    if jitsi_domain:
        jitsi = {
            "JITSI_MODE": "token",
            "JITSI_DOMAIN": jitsi_domain,
            "JITSI_APP_ID": JITSI_APP_ID,
            "JITSI_APP_SECRET": jitsi_secret,
        }
    backend = LiveBackend(
        db_path, folder / "gunicorn.log", workers=2, IC_STREAM_HEARTBEAT=1, **jitsi
    )
    exit_stack.callback(backend.stop)
    backend.start()
    caddy_folder = folder / "caddy"
    caddy_folder.mkdir()
    origin = f"https://{jitsi_domain}" if jitsi_domain else "https://meet.jit.si"
    caddy = LiveCaddy(caddy_folder, SITE_ROOT, f"127.0.0.1:{backend.port}", jitsi_origin=origin)
    exit_stack.callback(caddy.stop)
    caddy.start()
    return _seeded_stack("local", caddy.url, demo, jitsi_secret, LocalRuntime(backend, db_path))


def start_compose_stack(exit_stack: ExitStack, logs_dir: Path, failed, jitsi_domain=None):
    """The three containers (compose/docker-compose.dev.yml with the offline override), built
    and started through testcontainers, seeded with the demo data inside the backend container.

    The stack is always taken down. Every container's log is written to logs_dir first when the
    stack did not start or when failed() says a scenario failed.
    """
    folder = _compose_folder(exit_stack)
    jitsi_secret = secrets.token_urlsafe(32)
    runtime = ComposeRuntime(folder, jitsi_domain, JITSI_APP_ID, jitsi_secret)
    return _started_compose_stack(exit_stack, runtime, logs_dir, failed, jitsi_secret)


def start_production_compose_stack(exit_stack: ExitStack, logs_dir: Path, failed, replicas):
    """The production compose file with its PostgreSQL option (compose/docker-compose.prod.yml
    and docker-compose.postgres.yml), started for real: Debian's PostgreSQL in a container of
    its own, migrations applied once by `migrate`, `replicas` backends behind Caddyfile.prod over
    HTTPS (see ProductionComposeRuntime for what the suite swaps). A fresh database password for
    each run. Taken down, and its logs kept, as start_compose_stack."""
    runtime = ProductionComposeRuntime(_compose_folder(exit_stack), replicas)
    return _started_compose_stack(exit_stack, runtime, logs_dir, failed, None)


def _compose_folder(exit_stack):
    """A temporary folder for a compose project's env files, once the engine is known to work."""
    try:
        check_engine()
    except EngineUnavailable as error:
        raise StackUnavailable(f"--stack=compose cannot run: {error}") from None
    if not (FRONTEND_DIST / "index.html").exists():
        raise StackUnavailable(f"{FRONTEND_DIST} has no built app: run `make images-offline` first")
    return Path(exit_stack.enter_context(tempfile.TemporaryDirectory(prefix="ic-compose-")))


def _started_compose_stack(exit_stack, runtime, logs_dir, failed, jitsi_secret):
    def take_down(save_logs):
        if save_logs():
            runtime.save_logs(logs_dir)
        runtime.stop()

    exit_stack.callback(take_down, failed)
    try:
        runtime.start()
        demo = runtime.manage("seed_demo", "--json")
    except Exception:
        runtime.save_logs(logs_dir)  # why it did not start; take_down follows
        raise
    return _seeded_stack("compose", runtime.base_url, demo, jitsi_secret, runtime)


def _seeded_stack(mode, base_url, demo, jitsi_secret, runtime):
    """A stack the suite started, with the demo circle and keys `seed_demo --json` printed."""
    return Stack(
        mode=mode,
        base_url=base_url,
        circle=demo["circle"],
        facilitator_key=demo["facilitator_key"],
        participant_keys=demo["participant_keys"],
        jitsi_secret=jitsi_secret,
        runtime=runtime,
    )


def remote_stack(base_url):
    values = {name: os.environ.get(var) or None for name, var in SMOKE_ENV.items()}
    return Stack(
        mode="remote",
        base_url=base_url.rstrip("/"),
        circle=values["circle"],
        facilitator_key=values["facilitator_key"],
        participant_keys=[values["participant_key"]] if values["participant_key"] else [],
    )
