"""/api/health/ as a monitor sees it, including a database that stops working."""

import subprocess

import httpx
import pytest

from support.live_backend import BACKEND_DIR

pytestmark = pytest.mark.server


def test_it_reports_ok_and_the_git_commit(start_backend):
    server = start_backend(workers=1)
    commit = subprocess.run(
        ["git", "-C", str(BACKEND_DIR), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    response = httpx.get(f"{server.url}/api/health/")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["version"] == commit


def test_it_answers_503_when_the_database_cannot_be_opened(start_backend, db_path):
    server = start_backend(workers=1)
    assert httpx.get(f"{server.url}/api/health/").status_code == 200

    # Put a directory where the database file was: SQLite can no longer open it.
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    db_path.mkdir()

    response = httpx.get(f"{server.url}/api/health/")
    assert response.status_code == 503
    assert response.json() | {"version": None, "uptime_seconds": None} == {
        "status": "error",
        "database": "error",
        "version": None,
        "uptime_seconds": None,
    }
