"""Faults on real processes, on loopback only: a database that goes away and comes back, workers
killed, Caddy and PostgreSQL restarted. Each test runs on SQLite and on a PostgreSQL server of
its own (support.private_postgres), which it may stop without harming any other test.

Figures the tests measure are printed in the closing summary (FIGURES).
"""

import os

import pytest

from support import private_postgres
from support.live_backend import LiveBackend, manage

FIGURES = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[FIGURES] = []


def pytest_terminal_summary(terminalreporter, config):
    figures = config.stash.get(FIGURES, [])
    if figures:
        terminalreporter.section("faults: what was measured")
        for line in figures:
            terminalreporter.write_line(line)


@pytest.fixture
def report(request):
    """report(line): printed in the run's closing summary."""
    return request.config.stash[FIGURES].append


class Database:
    """The database a fault test takes away: a SQLite file in a folder of its own, or a private
    PostgreSQL server."""

    def __init__(self, engine, folder, server=None):
        self.engine = engine
        self.folder = folder
        self.server = server
        self.path = folder / "db" / "inquirycircle.db"
        self.path.parent.mkdir()
        self.url = server.url if server else f"sqlite:///{self.path}"
        self._away = folder / "db-away"

    def manage(self, *args):
        return manage(self.path, *args, DATABASE_URL=self.url)

    def take_away(self):
        """SQLite: the database's folder is gone (a volume unmounted); PostgreSQL: stopped."""
        if self.server:
            self.server.stop()
        else:
            self.path.parent.rename(self._away)

    def bring_back(self):
        if self.server:
            self.server.start()
        else:
            self._away.rename(self.path.parent)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield Database("sqlite", tmp_path)
        return
    why = private_postgres.unavailable()
    if why:
        pytest.fail(f"the PostgreSQL fault tests need a private server: {why}", pytrace=False)
    with private_postgres.PrivatePostgres() as server:
        yield Database("postgresql", tmp_path, server)


@pytest.fixture
def backend_on(tmp_path):
    """backend_on(database, workers=2, **env) -> a running LiveBackend; stopped at the end."""
    servers = []

    def start(database, workers=2, **env):
        log = tmp_path / f"gunicorn-{len(servers)}.log"
        server = LiveBackend(database.path, log, workers, DATABASE_URL=database.url, **env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def seeded(database):
    database.manage("migrate", "--noinput")
    return database.manage("seed_demo", "--json")


def in_ci():
    return os.environ.get("CI") == "true"
