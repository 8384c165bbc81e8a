"""manage.py restore_db on SQLite: a checked backup replaces the database's content, after a
safety backup of what it replaces; processes holding the database see the restored content,
open pages reload (a new epoch), and everyone signs in again."""

import os
import pty
import sqlite3
from pathlib import Path

import pytest

# These copy the SQLite file itself (PostgreSQL: test_restore_db_postgresql.py).
pytestmark = pytest.mark.sqlite


def test_it_brings_back_exactly_the_backed_up_data(operator):
    operator.post_messages(3, prefix="before")
    before = operator.data()
    backup = operator.backup()["file"]
    operator.post_messages(2, prefix="after")
    operator.ok("revoke_key", "--id", "1")
    operator.ok("create_circle", "--name", "Later circle")
    operator.ok(
        "shell", "-c", "from facilitation.models import Message as M; M.objects.all().delete()"
    )
    assert operator.data() != before

    restored = operator.restore(backup)

    assert operator.data() == before
    assert restored["restored"] == backup
    assert restored["database"] == str(operator.db_path)
    assert restored["tables"]["facilitation_message"] == 3
    assert operator.integrity(operator.db_path) == "ok"


def test_it_saves_the_replaced_database_first_so_a_restore_can_be_undone(operator):
    backup = operator.backup()["file"]
    operator.post_messages(4, prefix="kept")
    replaced = operator.data()

    safety = operator.restore(backup)["safety_backup"]

    assert Path(safety).parent == operator.backup_dir
    assert Path(safety).name.endswith("-pre-restore.sqlite3")
    assert operator.data(Path(safety)) == replaced
    operator.restore(safety)
    assert operator.data() == replaced


def test_it_prints_what_it_restored_and_where_the_safety_backup_went(operator):
    backup = operator.backup()["file"]

    out = operator.ok("restore_db", backup, "--yes")

    lines = out.splitlines()
    assert lines[0].startswith(f"Restored {backup} into {operator.db_path}: ")
    assert "circles_circle 1" in lines[0]
    safety = next(operator.backup_dir.glob("*-pre-restore.sqlite3"))
    assert lines[1] == f"The replaced database was saved first to {safety}."
    assert lines[2] == f"To undo this restore: manage.py restore_db {safety}"
    assert lines[3] == "No session was kept: everyone signs in again with their key."


def test_it_keeps_the_database_usable_by_a_connection_open_across_the_restore(operator):
    backup = operator.backup()["file"]
    operator.post_messages(3)
    reader = sqlite3.connect(operator.db_path)
    try:
        assert reader.execute("SELECT count(*) FROM facilitation_message").fetchone() == (3,)

        operator.restore(backup)

        assert reader.execute("SELECT count(*) FROM facilitation_message").fetchone() == (0,)
        assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        reader.close()
    operator.post_messages(1)  # the app carries on from the restored counter
    assert operator.seqs() == ([1], 1)


def test_it_restores_while_the_app_writes_and_the_app_carries_on_from_it(operator, tmp_path):
    operator.post_messages(5, prefix="before")
    backup = operator.backup()["file"]

    with operator.writer(tmp_path / "stop-writing") as writer:
        operator.wait_for_messages(at_least=25)
        operator.restore(backup)
        operator.wait_for_messages(at_least=15)  # the writer goes on in the restored database

    assert operator.integrity(operator.db_path) == "ok"
    numbers, last_seq = operator.seqs()
    assert numbers == list(range(1, last_seq + 1))
    bodies = [b for (b,) in operator.query("SELECT body FROM facilitation_message ORDER BY seq")]
    assert bodies[:5] == [f"before {n}" for n in range(5)]
    written_after = [int(b.removeprefix("message ")) for b in bodies[5:]]
    assert written_after[0] >= 20  # what it wrote before the restore was rolled away
    assert written_after == list(range(written_after[0], writer.committed))  # the rest is kept


def test_it_restores_into_a_new_database_file(operator, tmp_path):
    operator.post_messages(2)
    backup = operator.backup()["file"]
    new = tmp_path / "new-server" / "inquirycircle.db"

    restored = operator.restore(backup, db=new)

    assert restored["safety_backup"] is None  # there was nothing to save
    assert operator.data(new) == operator.data()


def test_it_refuses_to_run_unconfirmed_when_not_on_a_terminal(operator):
    backup = operator.backup()["file"]
    operator.post_messages(1)
    before = operator.data()

    error = operator.refused("restore_db", backup)

    assert "Run it on a terminal to confirm, or pass --yes" in error
    assert operator.data() == before
    assert not list(operator.backup_dir.glob("*-pre-restore.sqlite3"))


def on_a_terminal(operator, *args, answer):
    """Run a command with a terminal as its stdin, and type answer into it."""
    main, terminal = pty.openpty()
    try:
        os.write(main, answer.encode() + b"\n")
        result = operator.run(*args, stdin=terminal)
    finally:
        os.close(main)
        os.close(terminal)
    return result


def test_it_asks_on_a_terminal_and_restores_on_yes(operator):
    backup = operator.backup()["file"]
    before = operator.data()
    operator.post_messages(1)

    result = on_a_terminal(operator, "restore_db", backup, answer="yes")

    assert result.returncode == 0, result.stderr
    assert f"with {backup} (" in result.stdout
    assert "Type 'yes' to continue" in result.stdout
    assert operator.data() == before


def test_it_asks_on_a_terminal_and_changes_nothing_on_no(operator):
    backup = operator.backup()["file"]
    operator.post_messages(1)
    before = operator.data()

    result = on_a_terminal(operator, "restore_db", backup, answer="no")

    assert result.returncode == 1
    assert "Restore cancelled; the database is unchanged." in result.stderr
    assert operator.data() == before


def test_it_refuses_a_missing_file(operator, tmp_path):
    error = operator.refused("restore_db", str(tmp_path / "nope.sqlite3"), "--yes")

    assert f"There is no backup file {tmp_path / 'nope.sqlite3'}." in error


def test_it_refuses_a_file_that_is_not_sqlite(operator, tmp_path):
    garbage = tmp_path / "inquirycircle-20261128T041500Z.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    before = operator.data()

    error = operator.refused("restore_db", str(garbage), "--yes")

    assert "is not a SQLite database, or is damaged" in error
    assert operator.data() == before


def test_it_refuses_a_damaged_backup(operator):
    operator.post_messages(50, prefix="x" * 500)
    backup = Path(operator.backup()["file"])
    damaged = bytearray(backup.read_bytes())
    damaged[4096 * 3 : 4096 * 3 + 2048] = os.urandom(2048)  # scribble over a page
    backup.write_bytes(bytes(damaged))
    before = operator.data()

    error = operator.refused("restore_db", str(backup), "--yes")

    assert "integrity check" in error or "is damaged" in error
    assert operator.data() == before


def test_it_refuses_a_sqlite_file_that_is_not_ours(operator, tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.close()

    error = operator.refused("restore_db", str(other), "--yes")

    assert "not an InquiryCircle database (no table django_migrations, circles_circle)" in error


def test_it_refuses_the_live_database_itself(operator):
    error = operator.refused("restore_db", str(operator.db_path), "--yes")

    assert "is the live database itself" in error


def test_it_refuses_a_sqlite_backup_on_postgresql_and_points_to_copy_database(operator):
    backup = operator.backup()["file"]

    error = operator.refused(
        "restore_db", backup, "--yes", DATABASE_URL="postgres://ic:x@127.0.0.1:9/ic"
    )

    assert f"{backup} is a SQLite backup and the database is PostgreSQL" in error
    assert f"manage.py copy_database --from {backup} --replace" in error


def test_it_starts_a_new_epoch_so_open_pages_reload(operator):
    operator.restore(operator.backup()["file"])
    backup = operator.backup()["file"]  # holds the epoch that restore made
    before = operator.epoch()

    operator.restore(backup)

    assert len(before) == 1
    assert len(operator.epoch()) == 1
    assert operator.epoch() != before
    kinds = operator.query("SELECT kind FROM live_change")
    assert kinds == [("epoch",)]  # the backup's change log is not restored; the new epoch is


def test_it_needs_a_file(operator):
    result = operator.run("restore_db", "--yes")

    assert result.returncode != 0
    assert "the following arguments are required: file" in result.stderr
