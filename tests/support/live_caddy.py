"""Real Caddy running caddy/Caddyfile on a free loopback port, in front of a given upstream.

Used by tests/caddy/ and the acceptance suite. Everything Caddy writes (access log, autosaved
config, certificate storage) goes under the given folder; it listens on 127.0.0.1 only and is
stopped even when a test fails.
"""

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import httpx
import port_for
from mirakuru import HTTPExecutor

from support import paths

CADDY_DIR = paths.CADDY
JITSI_ORIGIN = "https://localhost:8443"


def caddy_binary():
    path = shutil.which("caddy")
    if path is None:
        raise RuntimeError("caddy is not installed (Debian: apt-get install caddy)")
    return path


def isolated_env(folder):
    """HOME and XDG folders for Caddy's autosave and storage, inside the test's folder."""
    home = Path(folder) / "caddy-home"
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }


def backend_placeholders(upstream):
    """BACKEND_HOST and BACKEND_PORT (common.caddy) for an upstream written host:port."""
    host, _, port = upstream.rpartition(":")
    return {"BACKEND_HOST": host, "BACKEND_PORT": port}


def run_caddy_command(folder, *args, prefix=(), **placeholders):
    """`caddy <args>` with only PATH, the isolated folders and the given placeholders set."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **isolated_env(folder)}
    env.update({name: str(value) for name, value in placeholders.items()})
    return subprocess.run(
        [*prefix, caddy_binary(), *args],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )


class CaddyProcess:
    """A `caddy run` started by a mirakuru executor, its output in a file of its folder, stopped
    even when starting fails. Subclasses say how to start it (executor())."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.log_dir = self.folder / "caddy-logs"
        self.output_path = self.folder / "caddy-output.log"
        self._output = None
        self.executor = None

    def executor_for(self, output):
        raise NotImplementedError

    def start(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._output = open(self.output_path, "ab")  # noqa: SIM115 (closed in stop())
        self.executor = self.executor_for(self._output)
        try:
            self.executor.start()
        except Exception as error:
            self.stop()
            raise RuntimeError(f"caddy did not start:\n{self.output()}") from error
        return self

    def stop(self):
        if self.executor is not None:
            self.executor.stop()
        if self._output is not None:
            self._output.close()

    def output(self):
        return self.output_path.read_text(errors="replace") if self.output_path.exists() else ""


class LiveCaddy(CaddyProcess):
    """caddy run --config caddy/Caddyfile on a free loopback port, upstream given."""

    def __init__(self, folder, site_root, upstream, jitsi_origin=JITSI_ORIGIN):
        super().__init__(folder)
        self.port = port_for.select_random()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = self.log_dir / "access.log"
        self.env = {
            **isolated_env(self.folder),
            # The scheme matters: without http:// a site address on any port but 80 is HTTPS.
            "SITE_ADDRESS": self.url,
            "CADDY_BIND": "127.0.0.1",
            "CADDY_ADMIN": "off",
            **backend_placeholders(upstream),
            "SITE_ROOT": str(site_root),
            "CADDY_LOG_DIR": str(self.log_dir),
            "JITSI_ORIGIN": jitsi_origin,
        }

    def executor_for(self, output):
        return HTTPExecutor(
            [
                caddy_binary(),
                "run",
                "--config",
                str(CADDY_DIR / "Caddyfile"),
                "--adapter",
                "caddyfile",
            ],
            url=f"{self.url}/",
            status=200,
            cwd=str(self.folder),
            envvars=self.env,
            timeout=30,
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def get(self, path, **kwargs):
        return httpx.get(f"{self.url}{path}", **kwargs)


@contextmanager
def running_caddy(folder, site_root, upstream, **kwargs):
    caddy = LiveCaddy(folder, site_root, upstream, **kwargs)
    try:
        yield caddy.start()
    finally:
        caddy.stop()
