"""The stack the acceptance suite runs against: started here (`local`) or already deployed
(`--base-url`). Scenarios see only this interface, so the same steps serve both modes.
"""

import os
import secrets
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from support.live_backend import LiveBackend, manage
from support.live_caddy import LiveCaddy

REPO_DIR = Path(__file__).resolve().parents[2]
SITE_ROOT = REPO_DIR / "caddy" / "site" / "dist"

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
    db_path: Path | None = None
    backend: LiveBackend | None = None
    caddy: LiveCaddy | None = None
    jitsi_secret: str | None = None

    @property
    def participant_key(self):
        return self.participant_keys[0] if self.participant_keys else None

    def require_local(self, what):
        if self.mode != "local":
            raise StackUnavailable(f"{what} needs the local stack, not {self.base_url}")

    def manage(self, *args):
        """A manage.py command against the stack's database (local mode only)."""
        self.require_local("manage.py")
        return manage(self.db_path, *args)

    def restart_backend(self):
        """Stops and starts the backend on the same port and database (local mode only)."""
        self.require_local("Restarting the backend")
        self.backend.stop()
        self.backend.start()


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
    return Stack(
        mode="local",
        base_url=caddy.url,
        circle=demo["circle"],
        facilitator_key=demo["facilitator_key"],
        participant_keys=demo["participant_keys"],
        db_path=db_path,
        backend=backend,
        caddy=caddy,
        jitsi_secret=jitsi_secret,
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
