"""Shared fixtures for backend tests: circles and keys made through the real actions, and an
API client that signs in with a key and sends the CSRF token the way the SPA does.

The suite runs on SQLite (tox -e backend) and on PostgreSQL (tox -e backend-postgres, which sets
DATABASE_URL). Two markers say where a test can run; what is left out is deselected, never
skipped, and the summary says how many and why:
- sqlite: tests of SQLite itself (its file, WAL); deselected on PostgreSQL. The same marker
  as the @sqlite scenarios of features/.
- postgresql: tests that need a PostgreSQL server of their own, whichever database the suite
  uses (support/postgres.py says which server). Without one they are deselected, except in CI
  (CI=true), where they fail and say why.
"""

import os

import pytest
from django.conf import settings
from django.core.signals import request_finished
from django.db import close_old_connections, connections
from django.test import Client

from access.actions import issue_keys
from access.models import Role
from circles.actions import create_circle
from support import modes, postgres
from support.selection import deselect

LEFT_OUT = pytest.StashKey[list]()
NO_SERVER = pytest.StashKey[str]()


def on_postgresql():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_report_header(config):
    if on_postgresql():
        server = postgres.describe(postgres.server_url())
        return f"database: PostgreSQL at {server} (Django's test_ copy of it)"
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


def pytest_collection_modifyitems(config, items):
    left_out = config.stash.setdefault(LEFT_OUT, [])
    if on_postgresql():
        deselect(
            config,
            items,
            "sqlite",
            left_out,
            "{count} tests marked sqlite deselected: the database is PostgreSQL",
        )
    if any(item.get_closest_marker("postgresql") for item in items):
        why = modes.postgres_unavailable()
        if why and os.environ.get("CI") == "true":
            config.stash[NO_SERVER] = why  # the postgres_server fixture fails with it
        elif why:
            note = "{count} tests marked postgresql deselected: they need PostgreSQL: " + why
            deselect(config, items, "postgresql", left_out, note)


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands what it left out to the controller, which writes the summary."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["left_out"] = session.config.stash.get(LEFT_OUT, [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    left_out = node.config.stash.setdefault(LEFT_OUT, [])
    for line in getattr(node, "workeroutput", {}).get("left_out", []):
        if line not in left_out:  # every worker collects, and so leaves out, the same tests
            left_out.append(line)


def pytest_terminal_summary(terminalreporter, config):
    for line in config.stash.get(LEFT_OUT, []):
        terminalreporter.write_line(f"NOT RUN: {line}", yellow=True)


@pytest.fixture(scope="session")
def postgres_server(request):
    """The URL of the PostgreSQL server for tests marked postgresql."""
    why = request.config.stash.get(NO_SERVER, None)
    if why:
        pytest.fail(
            f"{why}. CI (CI=true) must run the tests marked postgresql: start PostgreSQL as "
            ".ci/run does, or set IC_TEST_POSTGRES_URL.",
            pytrace=False,
        )
    return postgres.server_url()


@pytest.fixture(autouse=True)
def close_the_live_readers_connection():
    """Stream openings and reads run on the live reader's thread (live.feed), which keeps its
    connection: close it after each test, as PostgreSQL cannot drop a database in use."""
    yield
    from live import feed

    if feed.READER.started():
        feed.READER.executor().submit(connections.close_all).result(timeout=10)


@pytest.fixture
def postgres_database(postgres_server):
    """The URL of a new, empty database on the test server, dropped after the test."""
    with postgres.scratch_database(postgres_server) as url:
        yield url


class ApiClient:
    """A browser-like client: CSRF checks on, JSON in and out, a session cookie once signed in."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)

    def csrf_token(self):
        if "csrftoken" not in self.client.cookies:
            self.client.get("/api/auth/csrf/")
        return self.client.cookies["csrftoken"].value

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers=headers)

    def send(self, method, path, body=None, csrf=True, content_type="application/json", **extra):
        headers = {"X-CSRFToken": self.csrf_token()} if csrf else {}
        data = body if isinstance(body, (str, bytes)) or body is None else _json(body)
        return getattr(self.client, method)(
            path, data=data or "", content_type=content_type, headers=headers, **extra
        )

    def post(self, path, body=None, **kwargs):
        return self.send("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.send("patch", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.send("put", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.send("delete", path, **kwargs)

    def sign_in(self, key):
        response = self.post("/api/auth/verify-key/", {"key": key})
        assert response.status_code == 200, response.content
        return response


def _json(body):
    import json

    return json.dumps(body)


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def make_api():
    return ApiClient


@pytest.fixture
def close_stream():
    """close_stream(response) ends a streaming response the test did not read to its end.

    Closing sends request_finished, as a server would; its close_old_connections would close
    the test's database connection in the middle of the test's transaction (PostgreSQL; the
    in-memory SQLite database ignores it). The test client leaves it out the same way.
    """

    def close(response):
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)

    return close


@pytest.fixture
def circle_a(db):
    return create_circle("Circle A", slug="circle-a", description="The first circle.")


@pytest.fixture
def circle_b(db):
    return create_circle("Circle B", slug="circle-b")


def _issue(circle, role, label):
    return issue_keys([circle], role, labels=[label])[0]


@pytest.fixture
def facilitator_a(circle_a):
    """An IssuedKey: .plaintext is the typed key, .record the AccessKey."""
    return _issue(circle_a, Role.FACILITATOR, "Fay A")


@pytest.fixture
def participant_a(circle_a):
    return _issue(circle_a, Role.PARTICIPANT, "Pat A")


@pytest.fixture
def facilitator_b(circle_b):
    return _issue(circle_b, Role.FACILITATOR, "Fay B")


@pytest.fixture
def signed_in(make_api):
    """signed_in(issued_key) -> an ApiClient with that key's session."""

    def sign_in(issued):
        client = make_api()
        client.sign_in(issued.plaintext)
        return client

    return sign_in
