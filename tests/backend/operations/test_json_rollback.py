"""The runbook's database-independent rollback: dumpdata to JSON, loaddata into a freshly
migrated database (SQLite or PostgreSQL) brings back circles, keys and messages.

One known loss: Django's JSON encoder keeps times to the millisecond, so created_at and the
other times come back with their last three digits of microseconds zeroed."""

import re

import pytest

# On a SQLite file.
pytestmark = pytest.mark.sqlite

DUMP = [
    "dumpdata",
    "--natural-foreign",
    "--natural-primary",
    "-e",
    "contenttypes",
    "-e",
    "sessions",
]
MICROSECONDS = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\d{3}$")


def to_milliseconds(data):
    def cut(value):
        return MICROSECONDS.sub(r"\g<1>000", value) if isinstance(value, str) else value

    return {table: [tuple(map(cut, row)) for row in rows] for table, rows in data.items()}


def test_it_restores_circles_keys_and_messages_into_a_fresh_database(operator, make_db, tmp_path):
    operator.post_messages(3)
    operator.ok("create_circle", "--name", "Second circle")
    operator.ok("revoke_key", "--id", "2")
    dump = tmp_path / "inquirycircle.json"
    operator.ok(*DUMP, "--output", str(dump))
    fresh = make_db("fresh.db")

    out = operator.ok("loaddata", str(dump), db=fresh)

    assert out.strip().startswith("Installed ")
    assert operator.data(fresh) == to_milliseconds(operator.data())
    assert operator.seqs(fresh) == ([1, 2, 3], 3)
    revoked = "SELECT revoked_at IS NOT NULL FROM access_accesskey WHERE id = 2"
    assert operator.query(revoked, fresh) == [(1,)]
