"""Real gunicorn servers for the tests in this folder; all are stopped at the end of each test,
and their database (a SQLite file, or a PostgreSQL database of the test's own) goes with them."""

import pytest

from support.live_backend import LiveBackend, drop_database, manage


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "inquirycircle.db"
    manage(path, "migrate", "--noinput")
    yield path
    drop_database(path)


@pytest.fixture
def start_backend(tmp_path, db_path):
    """start_backend(workers=2, **env) -> a running LiveBackend on db_path."""
    servers = []

    def start(workers=2, **env):
        server = LiveBackend(db_path, tmp_path / f"gunicorn-{len(servers)}.log", workers, **env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def demo(db_path):
    """The seed_demo circle and its keys, in the servers' database."""
    return manage(db_path, "seed_demo", "--json")
