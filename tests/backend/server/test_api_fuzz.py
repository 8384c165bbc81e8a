"""Schemathesis sends the live API a thousand requests made from its own OpenAPI document,
most of them malformed, as a signed-in facilitator: none may get a 500."""

import subprocess
import sys
from pathlib import Path

import pytest

from support.live_backend import Session

pytestmark = pytest.mark.server

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_no_generated_request_gets_a_server_error(start_backend, demo, tmp_path):
    server = start_backend(workers=2, IC_KEY_FAILURE_LIMIT=100000)
    session = Session(server.url).sign_in(demo["facilitator_key"])
    cookies = "; ".join(f"{name}={value}" for name, value in session.http.cookies.items())

    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server.url}/api/schema/",
            "--checks=not_a_server_error",
            "--max-examples=25",
            "--seed=20261128",
            f"--header=Cookie: {cookies}",
            f"--header=X-CSRFToken: {session.http.cookies['csrftoken']}",
            # Signing out would end the session the rest of the run uses; the stream never ends.
            "--exclude-path=/api/auth/logout/",
            "--exclude-path=/api/messages/stream/",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stdout[-4000:]
    assert "passed" in result.stdout
    log = (tmp_path / "gunicorn-0.log").read_text()
    assert '"status": 500' not in log
