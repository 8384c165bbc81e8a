"""A stand-in for the Jitsi service (which tests cannot reach), at https://localhost:<port>.

tests/jitsi_standin/ holds it: site/external_api.js (a minimal JitsiMeetExternalAPI over the real
postMessage transport of @jitsi/js-utils), a meeting page served for any other path, recorder.py
(serves both and records what meeting pages received) and a Caddyfile that puts HTTPS in front
(`tls internal`: browser contexts need ignore_https_errors, or trust `ca_cert`).

    with JitsiStandIn(tmp_path) as jitsi:
        jitsi.domain        # "localhost:<port>", the app's JITSI_DOMAIN
        jitsi.received()    # [{room, jwt, claims, displayName, config, interfaceConfig, ...}]

The bundle is built on first use (npm ci, npm run build in tests/jitsi_standin/) when it is
missing or older than its sources; that needs node and npm. Every process is stopped on exit,
also when starting fails.
"""

import contextlib
import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jwt
import port_for
from mirakuru import HTTPExecutor, TCPExecutor

from support import paths

STANDIN_DIR = paths.TESTS / "jitsi_standin"
SITE_DIR = STANDIN_DIR / "site"
BUNDLES = [SITE_DIR / "external_api.js", SITE_DIR / "room.js"]
SOURCES = [
    STANDIN_DIR / "build.mjs",
    STANDIN_DIR / "package-lock.json",
    *sorted((STANDIN_DIR / "src").glob("*.js")),
]


def _stale():
    if not all(path.exists() for path in BUNDLES):
        return True
    built = min(path.stat().st_mtime for path in BUNDLES)
    return any(path.stat().st_mtime > built for path in SOURCES if path.exists())


def build_bundle(force=False):
    """npm ci (if node_modules is missing) and npm run build in tests/jitsi_standin/."""
    if not force and not _stale():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to build the Jitsi stand-in (tests/jitsi_standin/)")
    steps = [[npm, "run", "build"]]
    if not (STANDIN_DIR / "node_modules" / ".package-lock.json").exists():
        steps.insert(0, [npm, "ci", "--no-audit", "--no-fund"])
    for step in steps:
        result = subprocess.run(
            step, cwd=STANDIN_DIR, capture_output=True, text=True, timeout=300, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(step[1:])} failed in {STANDIN_DIR}:\n{result.stdout}{result.stderr}"
            )


def _caddy_binary():
    path = shutil.which("caddy")
    if path is None:
        raise RuntimeError("caddy is not installed (Debian: apt-get install caddy)")
    return path


class JitsiStandIn:
    """The recorder on a loopback port with Caddy (HTTPS, tls internal) in front of it."""

    def __init__(self, folder, build=True):
        self.folder = Path(folder)
        self.build = build
        self.https_port = port_for.select_random()
        self.recorder_port = port_for.select_random(exclude_ports=[self.https_port])
        http_port = port_for.select_random(exclude_ports=[self.https_port, self.recorder_port])
        self.domain = f"localhost:{self.https_port}"
        self.origin = f"https://{self.domain}"
        self.script_url = f"{self.origin}/external_api.js"
        self.recorder_url = f"http://127.0.0.1:{self.recorder_port}"
        self.storage = self.folder / "caddy-storage"
        self.ca_cert = self.storage / "pki" / "authorities" / "local" / "root.crt"
        home = self.folder / "caddy-home"
        self.caddy_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "STANDIN_STORAGE": str(self.storage),
            "STANDIN_HTTPS_PORT": str(self.https_port),
            "STANDIN_HTTP_PORT": str(http_port),
            "STANDIN_UPSTREAM": f"127.0.0.1:{self.recorder_port}",
        }
        self.recorder_log = self.folder / "recorder.log"
        self.caddy_log = self.folder / "caddy.log"
        self._logs = []
        self._executors = []

    # lifecycle

    def start(self):
        try:
            if self.build:
                build_bundle()
            elif not all(path.exists() for path in BUNDLES):
                raise RuntimeError("the Jitsi stand-in is not built: npm run build")
            self.folder.mkdir(parents=True, exist_ok=True)
            self._start_recorder()
            self._start_caddy()
            self._wait_for_https()
        except BaseException:
            self.stop()
            raise
        return self

    def _open_log(self, path):
        log = open(path, "ab")  # noqa: SIM115 (closed in stop())
        self._logs.append(log)
        return log

    def _start_recorder(self):
        executor = HTTPExecutor(
            [
                sys.executable,
                str(STANDIN_DIR / "recorder.py"),
                str(self.recorder_port),
                str(SITE_DIR),
            ],
            url=f"{self.recorder_url}/__standin/health",
            timeout=20,
            stdout=self._open_log(self.recorder_log),
            stderr=subprocess.STDOUT,
        )
        self._executors.append(executor)
        executor.start()

    def _start_caddy(self):
        executor = TCPExecutor(
            [
                _caddy_binary(),
                "run",
                "--config",
                str(STANDIN_DIR / "Caddyfile"),
                "--adapter",
                "caddyfile",
            ],
            host="127.0.0.1",
            port=self.https_port,
            cwd=str(self.folder),
            envvars=self.caddy_env,
            timeout=30,
            stdout=self._open_log(self.caddy_log),
            stderr=subprocess.STDOUT,
        )
        self._executors.append(executor)
        try:
            executor.start()
        except Exception as error:
            raise RuntimeError(f"caddy did not start:\n{self.output()}") from error

    def _wait_for_https(self, timeout=20):
        """Listening is not enough: wait until the local CA has issued the certificate."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                if self.ca_cert.exists():
                    response = httpx.get(
                        f"{self.origin}/__standin/health", verify=self.ssl_context(), timeout=2
                    )
                    if response.status_code == 200:
                        return
                    last = f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                last = error
            time.sleep(0.1)
        raise RuntimeError(f"the stand-in never answered over HTTPS ({last}):\n{self.output()}")

    def stop(self):
        for executor in reversed(self._executors):
            with contextlib.suppress(Exception):  # stop the others whatever happens
                executor.stop()
        self._executors.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def ssl_context(self):
        """Trusts the stand-in's local CA (Caddy's `tls internal`), for httpx and the like."""
        return ssl.create_default_context(cafile=str(self.ca_cert))

    # what the meeting pages reported

    def received(self):
        """What meeting pages received, oldest first; `claims` is the JWT's payload (unverified)."""
        response = httpx.get(f"{self.recorder_url}/__standin/received", timeout=5)
        response.raise_for_status()
        items = response.json()
        for item in items:
            token = item.get("jwt")
            item["claims"] = (
                jwt.decode(token, options={"verify_signature": False}) if token else None
            )
        return items

    def wait_for_received(self, count=1, timeout=10):
        """received() once it holds at least count items."""
        deadline = time.monotonic() + timeout
        while True:
            items = self.received()
            if len(items) >= count or time.monotonic() > deadline:
                return items
            time.sleep(0.1)

    def reset(self):
        httpx.post(f"{self.recorder_url}/__standin/reset", timeout=5).raise_for_status()

    def output(self):
        parts = []
        for path in (self.recorder_log, self.caddy_log):
            if path.exists():
                parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}")
        return "\n".join(parts)
