"""manage.py restore_db on PostgreSQL: a checked dump replaces the database's content in one
transaction (pg_restore --clean --single-transaction), after a safety backup of what it
replaces; the app carries on from the restored data, and open pages reload (a new epoch)."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from support import postgres

pytestmark = pytest.mark.postgresql


def test_it_brings_back_exactly_the_backed_up_data(pg_operator):
    op = pg_operator
    op.post_messages(3, prefix="before")
    before = op.data()
    backup = op.backup()["file"]
    op.post_messages(2, prefix="after")
    op.ok("revoke_key", "--id", "1")
    op.ok("create_circle", "--name", "Later circle")
    assert op.data() != before

    restored = op.restore(backup)

    assert op.data() == before
    assert restored["restored"] == backup
    assert restored["database"].startswith("PostgreSQL ic_backup_")
    assert restored["tables"]["facilitation_message"] == 3


def test_the_app_carries_on_from_the_restored_counters_and_ids(pg_operator):
    op = pg_operator
    op.post_messages(3)
    backup = op.backup()["file"]
    op.post_messages(4)

    op.restore(backup)
    op.post_messages(1, prefix="after the restore")
    op.ok("create_circle", "--name", "New circle")  # its id comes from the restored sequence

    assert op.seqs() == ([1, 2, 3, 4], 4)
    assert op.query("SELECT max(id) FROM facilitation_message") == [(4,)]


def test_it_saves_the_replaced_database_first_so_a_restore_can_be_undone(pg_operator):
    op = pg_operator
    backup = op.backup()["file"]
    op.post_messages(4, prefix="kept")
    replaced = op.data()

    safety = op.restore(backup)["safety_backup"]

    assert Path(safety).parent == op.backup_dir
    assert Path(safety).name.endswith("-pre-restore.pgdump")
    op.restore(safety)
    assert op.data() == replaced


def test_it_starts_a_new_epoch_so_open_pages_reload(pg_operator):
    op = pg_operator
    op.restore(op.backup()["file"])
    backup = op.backup()["file"]  # holds the epoch that restore made
    before = op.epoch()

    op.restore(backup)

    assert len(before) == len(op.epoch()) == 1
    assert op.epoch() != before
    assert op.query("SELECT kind FROM live_change") == [("epoch",)]


def test_it_restores_into_a_new_empty_database(pg_operator, postgres_database):
    pg_operator.post_messages(2)
    backup = pg_operator.backup()["file"]

    restored = pg_operator.restore(backup, db=postgres_database)

    assert restored["safety_backup"] is None  # there was nothing to save
    assert pg_operator.data(postgres_database) == pg_operator.data()
    migrate = pg_operator.ok("migrate", "--noinput", db=postgres_database)
    assert "No migrations to apply." in migrate


def test_it_restores_while_the_app_writes_and_the_app_carries_on_from_it(pg_operator, tmp_path):
    op = pg_operator
    op.post_messages(5, prefix="before")
    backup = op.backup()["file"]

    with op.writer(tmp_path / "stop-writing"):
        op.wait_for_messages(at_least=25)
        op.restore(backup)
        op.wait_for_messages(at_least=15)  # the writer goes on in the restored database

    numbers, last_seq = op.seqs()
    assert numbers == list(range(1, last_seq + 1))
    bodies = [b for (b,) in op.query("SELECT body FROM facilitation_message ORDER BY seq")]
    assert bodies[:5] == [f"before {n}" for n in range(5)]


@pytest.mark.parametrize("damage", ["cut off", "scribbled over"])
def test_it_refuses_a_damaged_dump_and_changes_nothing(pg_operator, tmp_path, damage):
    pg_operator.fill()
    dump = bytearray(Path(pg_operator.backup()["file"]).read_bytes())
    middle = len(dump) // 2
    if damage == "cut off":  # as by a full disk
        del dump[middle:]
    else:  # inside the messages' compressed data, past the table of contents at the start
        dump[middle : middle + 64] = bytes(64)
    damaged = tmp_path / "damaged.pgdump"
    damaged.write_bytes(bytes(dump))
    before = pg_operator.data()

    error = pg_operator.refused("restore_db", str(damaged), "--yes")

    assert f"{damaged} is damaged: pg_restore cannot read it back" in error
    assert pg_operator.data() == before
    assert not list(pg_operator.backup_dir.glob("*-pre-restore.pgdump"))


# Stands in for pg_restore: the restore's script stops half way, as if pg_restore were killed
# there: after it dropped the tables, before it made them again.
FAILING_HALF_WAY = """#!/bin/sh
case " $* " in
  *" --clean "*) {real} "$@" | awk '/^CREATE TABLE/ {{ exit }} {{ print }}'; exit 1;;
  *) exec {real} "$@";;
esac
"""


def test_a_restore_that_fails_half_way_changes_nothing(pg_operator, tmp_path):
    backup = pg_operator.backup()["file"]
    pg_operator.post_messages(3, prefix="kept")
    before = pg_operator.data()
    tools = tmp_path / "tools"
    tools.mkdir()
    real = subprocess.run(["which", "pg_restore"], capture_output=True, text=True).stdout.strip()
    (tools / "pg_restore").write_text(FAILING_HALF_WAY.format(real=real))
    (tools / "pg_restore").chmod(0o755)

    error = pg_operator.refused("restore_db", backup, "--yes", PATH=f"{tools}:{os.environ['PATH']}")

    assert f"Restoring {backup} into PostgreSQL " in error
    assert "Nothing was changed (it restores in one transaction)." in error
    assert pg_operator.data() == before


def test_it_refuses_a_file_that_is_not_a_dump(pg_operator, tmp_path):
    notes = tmp_path / "notes.pgdump"
    notes.write_text("not a dump")

    error = pg_operator.refused("restore_db", str(notes), "--yes")

    assert f"{notes} is not a PostgreSQL dump (pg_dump -Fc), or is damaged" in error


def test_it_refuses_a_dump_of_another_database(pg_operator, postgres_database, tmp_path):
    with psycopg.connect(postgres_database) as conn:
        conn.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
    other = tmp_path / "other.pgdump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={other}", f"--dbname={postgres_database}"],
        check=True,
    )

    error = pg_operator.refused("restore_db", str(other), "--yes")

    assert "is a PostgreSQL dump but not an InquiryCircle database (no table " in error


def test_it_refuses_a_dump_older_than_the_database_s_tables(pg_operator):
    backup = pg_operator.backup()["file"]
    with psycopg.connect(pg_operator.db_path) as conn:  # as a later migration would
        conn.execute("CREATE TABLE circles_agenda (id bigserial PRIMARY KEY, item text)")
    before = pg_operator.data()

    error = pg_operator.refused("restore_db", backup, "--yes")

    assert f"The database has tables {backup} does not (circles_agenda)" in error
    assert "Restore it into a new, empty database" in error
    assert pg_operator.data() == before


def test_it_refuses_a_pgdump_on_sqlite(pg_operator, tmp_path):
    backup = pg_operator.backup()["file"]

    error = pg_operator.refused(
        "restore_db", backup, "--yes", DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}"
    )

    assert f"{backup} is a PostgreSQL backup (pg_dump) and the database is SQLite" in error


def test_it_says_in_one_sentence_when_the_server_is_unreachable(pg_operator):
    backup = pg_operator.backup()["file"]
    unreachable = postgres.with_database("postgres://ic:secret@127.0.0.1:9/", "inquirycircle")

    error = pg_operator.refused("restore_db", backup, "--yes", DATABASE_URL=unreachable)

    assert "Cannot use the database PostgreSQL inquirycircle on 127.0.0.1:9" in error
    assert "secret" not in error
