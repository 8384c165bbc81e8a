"""/api/health/ as a monitor sees it, including a database that stops working."""

import subprocess

import httpx
import port_for
import pytest

from support import postgres
from support.live_backend import BACKEND_DIR, manage

pytestmark = pytest.mark.server


def assert_database_error(response):
    assert response.status_code == 503
    assert response.json() | {"version": None, "uptime_seconds": None} == {
        "status": "error",
        "database": "error",
        "version": None,
        "uptime_seconds": None,
        "build": {},
    }


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


@pytest.mark.sqlite
def test_it_answers_503_when_the_database_cannot_be_opened(start_backend, db_path):
    server = start_backend(workers=1)
    assert httpx.get(f"{server.url}/api/health/").status_code == 200

    # Put a directory where the database file was: SQLite can no longer open it.
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink(missing_ok=True)  # the WAL file goes when the last connection closes
    db_path.mkdir()

    assert_database_error(httpx.get(f"{server.url}/api/health/"))


def test_it_answers_503_when_its_postgresql_server_does_not_answer(start_backend):
    nobody = f"postgres://inquirycircle:unused@127.0.0.1:{port_for.select_random()}/inquirycircle"
    server = start_backend(workers=1, DATABASE_URL=nobody)

    assert_database_error(httpx.get(f"{server.url}/api/health/"))


@pytest.mark.postgresql
def test_it_answers_503_when_its_postgresql_database_goes_away(
    start_backend, db_path, postgres_database
):
    manage(db_path, "migrate", "--noinput", DATABASE_URL=postgres_database)
    server = start_backend(workers=1, DATABASE_URL=postgres_database)
    assert httpx.get(f"{server.url}/api/health/").status_code == 200

    postgres.drop_database(postgres_database)  # closes the backend's connections, too

    assert_database_error(httpx.get(f"{server.url}/api/health/"))
