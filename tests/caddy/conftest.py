"""Real Caddy in front of the real backend, both on loopback ports, as `make up` and the caddy
container run them.

Caddy runs caddy/Caddyfile with the placeholders set to this machine's values; everything it
writes (access log, autosaved config, certificate storage) goes under a temporary folder, and it
listens on 127.0.0.1 only. One backend and one Caddy serve the whole folder; a test that needs
another Caddy (a different upstream) starts it with `start_caddy`. Every process is stopped at
the end, even when a test fails.
"""

import json

import pytest

from support.live_backend import Session, StreamListener, manage, running_backend
from support.live_caddy import (
    CADDY_DIR,
    JITSI_ORIGIN,
    LiveCaddy,
    run_caddy_command,
    running_caddy,
)


@pytest.fixture
def caddy_cli(tmp_path):
    """caddy_cli(*args, prefix=(), **placeholders) -> the finished `caddy <args>` process.

    Only PATH, Caddy's folders (in tmp_path) and the given placeholders are set: whatever this
    shell exports does not leak in, so an unset placeholder means its default.
    """
    return lambda *args, prefix=(), **placeholders: run_caddy_command(
        tmp_path, *args, prefix=prefix, **placeholders
    )


@pytest.fixture
def adapt(caddy_cli, caddyfile):
    """adapt("Caddyfile", **placeholders) -> the JSON config Caddy makes of that file."""

    def run(name, **placeholders):
        result = caddy_cli(
            "adapt", "--config", str(caddyfile(name)), "--adapter", "caddyfile", **placeholders
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


class FakeSite:
    """What `make build-frontend` leaves in caddy/site/dist, in miniature."""

    marker = "inquirycircle-test-index-7f3a"
    asset = "/assets/app-abc123.js"
    asset_body = "console.log('inquirycircle test bundle');\n"
    favicon = b"\x00\x00\x01\x00\x00\x00"

    def __init__(self, root):
        self.root = root
        (root / "assets").mkdir(parents=True)
        (root / "index.html").write_text(
            f'<!doctype html><html><head><script type="module" src="{self.asset}"></script>'
            f'</head><body><div id="app">{self.marker}</div></body></html>\n'
        )
        (root / self.asset.lstrip("/")).write_text(self.asset_body)
        (root / "favicon.ico").write_bytes(self.favicon)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    return FakeSite(tmp_path_factory.mktemp("site") / "dist")


@pytest.fixture
def jitsi_origin():
    return JITSI_ORIGIN


@pytest.fixture
def caddyfile():
    """caddyfile("Caddyfile.prod") -> its path in the repository's caddy/ folder."""
    return lambda name: CADDY_DIR / name


@pytest.fixture(scope="session")
def stack(tmp_path_factory, site):
    """The backend (its demo circle seeded) and Caddy in front of it, for the whole folder."""
    folder = tmp_path_factory.mktemp("stack")
    db_path = folder / "inquirycircle.db"
    manage(db_path, "migrate", "--noinput")
    demo = manage(db_path, "seed_demo", "--json")
    # A heartbeat every half second: a test can see a comment-only chunk cross Caddy.
    with (
        running_backend(
            db_path, folder / "gunicorn.log", workers=2, IC_STREAM_HEARTBEAT=0.5
        ) as backend,
        running_caddy(folder, site.root, f"127.0.0.1:{backend.port}") as caddy,
    ):
        yield {"backend": backend, "caddy": caddy, "demo": demo}


@pytest.fixture
def caddy(stack):
    return stack["caddy"]


@pytest.fixture
def backend(stack):
    return stack["backend"]


@pytest.fixture
def demo(stack):
    return stack["demo"]


@pytest.fixture
def start_caddy(tmp_path, site):
    """start_caddy(upstream) -> another running LiveCaddy, stopped at the end of the test."""
    started = []

    def start(upstream):
        caddy = LiveCaddy(tmp_path / f"caddy-{len(started)}", site.root, upstream)
        caddy.folder.mkdir()
        started.append(caddy)
        return caddy.start()

    yield start
    for caddy in started:
        caddy.stop()


@pytest.fixture
def sessions():
    """sessions(base_url, key=None) -> a support.live_backend.Session, closed after the test."""
    opened = []

    def open_session(base_url, key=None):
        session = Session(base_url)
        opened.append(session)
        return session.sign_in(key) if key else session

    yield open_session
    for session in opened:
        session.close()


@pytest.fixture
def listeners():
    """listeners(session, circle) -> an open StreamListener, closed after the test.

    Closing matters: Caddy gives open streams its whole grace period when it stops.
    """
    opened = []

    def listen(session, circle, **kwargs):
        listener = StreamListener(session, circle, **kwargs)
        opened.append(listener)
        return listener

    yield listen
    for listener in opened:
        listener.close()
