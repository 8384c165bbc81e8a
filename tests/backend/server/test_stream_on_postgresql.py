"""The live channel on a real PostgreSQL server: streams hold no connection, NOTIFY wakes every
worker, and a broken connection is survived."""

import time

import httpx
import psycopg
import pytest

from support.live_backend import Session, StreamListener, listeners_on_every_worker, manage

pytestmark = [pytest.mark.server, pytest.mark.postgresql]

CONNECTION_LIMIT = 12
STREAMS = 40  # more than three times what the database lets the backend open


@pytest.fixture
def pg_backend(start_backend, db_path, postgres_database):
    """(server, demo) on a fresh PostgreSQL database of the test's own."""
    manage(db_path, "migrate", "--noinput", DATABASE_URL=postgres_database)
    demo = manage(db_path, "seed_demo", "--json", DATABASE_URL=postgres_database)

    def start(**env):
        return start_backend(workers=2, DATABASE_URL=postgres_database, **env)

    return start, demo, postgres_database


def connections_to(url):
    with psycopg.connect(url, autocommit=True) as admin:
        return admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def test_more_streams_than_the_database_allows_connections_all_work(pg_backend):
    start, demo, url = pg_backend
    with psycopg.connect(url, autocommit=True) as admin:
        name = admin.execute("SELECT current_database()").fetchone()[0]
        admin.execute(f'ALTER DATABASE "{name}" CONNECTION LIMIT {CONNECTION_LIMIT}')
    server = start()
    participant = Session(server.url).sign_in(demo["participant_keys"][0])

    listeners = [StreamListener(participant, demo["circle"]) for _ in range(STREAMS)]

    assert [listener.status_code for listener in listeners] == [200] * STREAMS
    assert connections_to(url) <= CONNECTION_LIMIT
    assert httpx.get(f"{server.url}/api/health/").status_code == 200
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])  # signing in still works
    posted = facilitator.post_message(demo["circle"], "Heard by all forty")
    for listener in listeners:
        assert listener.next_message(timeout=10)[0] == posted
        listener.close()


def test_delivery_carries_on_after_the_servers_connections_are_killed(pg_backend):
    start, demo, url = pg_backend
    server = start()
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listeners, _ = listeners_on_every_worker(server, participant, demo["circle"])
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    before = facilitator.post_message(demo["circle"], "Before")
    for listener in listeners:
        assert listener.next_message()[0] == before

    with psycopg.connect(url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert killed >= 4  # each worker's reader and LISTEN connections at least
    time.sleep(0.5)

    after = facilitator.post_message(demo["circle"], "After the connections broke")
    for listener in listeners:
        data, _ = listener.next_message(timeout=10)
        assert data == after
        listener.close()
    log = server.log_path.read_text()
    assert "LISTEN connection failed" in log or "reading the change log failed" in log


def test_a_post_wakes_the_other_worker_by_notify_not_by_polling(pg_backend):
    start, demo, _ = pg_backend
    # Looks at the log every 30 s only: a delivery within a second came by NOTIFY.
    server = start(IC_STREAM_POLL_INTERVAL=30)
    participant = Session(server.url).sign_in(demo["participant_keys"][0])
    listeners, by_worker = listeners_on_every_worker(server, participant, demo["circle"])
    facilitator = Session(server.url).sign_in(demo["facilitator_key"])
    time.sleep(1.5)  # the LISTEN connections are up

    for n in range(3):
        sent = time.monotonic()
        posted = facilitator.post_message(demo["circle"], f"notified {n}")
        for listener in listeners:
            data, arrived = listener.next_message(timeout=5)
            assert data == posted
            assert arrived - sent < 1.0
    assert len(by_worker) == 2
