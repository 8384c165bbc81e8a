"""No backup holds a session: whoever gets hold of a backup must not be able to act as a
signed-in person. The copy's session table is there but empty, no session id is anywhere in
the file, and after a restore nobody's session works: everyone signs in again with their key.

The counters of key attempts, the live change log and the cache are left out the same way."""

import shutil
import subprocess
from pathlib import Path

import pytest

LEFT_OUT = ["access_attemptcounter", "django_session", "ic_cache", "live_change"]


def readable_text(file):
    """What a person holding the backup file can read in it: the bytes of a SQLite file, the
    SQL that pg_restore makes of a dump."""
    if file.suffix == ".pgdump":
        return subprocess.run(
            ["pg_restore", "--file=-", str(file)], capture_output=True, check=True
        ).stdout
    return file.read_bytes()


def test_a_backup_holds_no_session_while_the_database_has_some(each_operator):
    op = each_operator
    sessions = [op.sign_in(key) for key in op.keys["participant_keys"]]
    assert op.try_key("WRONG-KEY0-0000-0000")["status"] != 200  # counted as an attempt
    op.post_messages(2)  # each in the live change log
    live = {t: op.query(f"SELECT count(*) FROM {t}")[0][0] for t in LEFT_OUT}  # noqa: S608
    assert live["django_session"] == 3
    assert live["access_attemptcounter"] > 0
    assert live["live_change"] == 2

    made = op.backup()

    assert made["left_out"] == LEFT_OUT
    assert {t: made["tables"][t] for t in LEFT_OUT} == dict.fromkeys(LEFT_OUT, 0)
    assert made["tables"]["facilitation_message"] == 2
    text = readable_text(Path(made["file"]))
    for session in sessions:
        assert session.encode() not in text  # not in a row, not in a free page either


@pytest.mark.sqlite
def test_a_sqlite_backup_has_the_tables_without_their_rows(operator):
    operator.sign_in(operator.keys["facilitator_key"])

    file = Path(operator.backup()["file"])

    assert operator.query("SELECT count(*) FROM django_session", file) == [(0,)]
    assert operator.integrity(file) == "ok"


@pytest.mark.postgresql
def test_a_postgresql_backup_has_the_tables_without_their_rows(pg_operator):
    pg_operator.sign_in(pg_operator.keys["facilitator_key"])

    script = readable_text(Path(pg_operator.backup()["file"])).decode()

    assert "CREATE TABLE public.django_session" in script
    assert "COPY public.django_session" not in script
    assert "COPY public.circles_circle" in script


def test_after_a_restore_nobody_s_session_works_until_they_sign_in_again(each_operator):
    op = each_operator
    participant = op.keys["participant_keys"][0]
    before = op.sign_in(participant)
    backup = op.backup()["file"]
    after = op.sign_in(op.keys["facilitator_key"])  # signed in after the backup was made
    assert (op.who_am_i(before), op.who_am_i(after)) == (200, 200)

    op.restore(backup)

    assert (op.who_am_i(before), op.who_am_i(after)) == (401, 401)
    assert op.who_am_i(op.sign_in(participant)) == 200


def test_undoing_a_restore_brings_back_no_session_either(each_operator):
    op = each_operator
    backup = op.backup()["file"]
    session = op.sign_in(op.keys["participant_keys"][1])

    safety = op.restore(backup)["safety_backup"]
    op.restore(safety)

    assert op.who_am_i(session) == 401


@pytest.mark.sqlite
def test_a_restore_of_an_old_backup_that_still_holds_sessions_ends_them(operator, tmp_path):
    session = operator.sign_in(operator.keys["participant_keys"][2])
    # What backup_db made before backups left sessions out: the whole database.
    old = tmp_path / "inquirycircle-20261101T020000Z.sqlite3"
    shutil.copyfile(operator.db_path, old)
    assert operator.query("SELECT count(*) FROM django_session", old) == [(1,)]

    operator.restore(old)

    assert operator.who_am_i(session) == 401
    assert operator.query("SELECT count(*) FROM django_session") == [(0,)]
