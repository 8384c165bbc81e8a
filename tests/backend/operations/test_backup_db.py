"""manage.py backup_db on SQLite: a checked copy made with SQLite's backup API, readable only by
its owner. (PostgreSQL: test_backup_db_postgresql.py.)"""

import re
import socket
import stat
import subprocess
from pathlib import Path

import pytest

# These copy the SQLite file itself.
pytestmark = pytest.mark.sqlite

NAME = re.compile(r"^inquirycircle-\d{8}T\d{6}Z(-\d+)?\.sqlite3$")


def test_it_makes_a_checked_copy_with_the_same_rows(operator):
    operator.post_messages(5)

    made = operator.backup()

    file = Path(made["file"])
    assert file.parent == operator.backup_dir
    assert NAME.match(file.name)
    assert made["size"] == file.stat().st_size
    assert made["tables"]["circles_circle"] == 1
    assert made["tables"]["access_accesskey"] == 4
    assert made["tables"]["facilitation_message"] == 5
    assert operator.integrity(file) == "ok"
    assert operator.data(file) == operator.data()
    assert made["pruned"] == []


def test_it_leaves_a_single_file_without_wal_or_temporary_files(operator):
    made = operator.backup()

    assert [p.name for p in operator.backup_dir.iterdir()] == [Path(made["file"]).name]
    assert operator.query("PRAGMA journal_mode", Path(made["file"]))[0][0] == "delete"


def test_it_creates_the_folder_0750_and_the_file_0600(operator):
    made = operator.backup()

    assert stat.S_IMODE(operator.backup_dir.stat().st_mode) == 0o750
    assert stat.S_IMODE(Path(made["file"]).stat().st_mode) == 0o600


def test_it_writes_to_the_folder_given_with_dir(operator, tmp_path):
    made = operator.backup("--dir", str(tmp_path / "elsewhere"))

    assert Path(made["file"]).parent == tmp_path / "elsewhere"
    assert not operator.backup_dir.exists()


def test_it_prints_the_file_its_size_the_counts_and_the_pruning(operator):
    out = operator.ok("backup_db", "--keep", "3")

    lines = out.splitlines()
    assert re.fullmatch(
        rf"Backed up the database to {operator.backup_dir}/inquirycircle-\S+\.sqlite3 "
        r"\(\d+\.\d KB\)\.",
        lines[0],
    )
    assert lines[1].startswith("Checked: integrity ok, ")
    assert "access_accesskey 4, access_accesskey_circles 4, circles_circle 1" in lines[1]
    assert lines[2] == "Deleted 0 old backups; the newest 3 are kept."


def test_it_gives_each_of_two_backups_at_once_its_own_file(operator):
    runs = [operator.start("backup_db", stdout=subprocess.DEVNULL) for _ in range(2)]
    assert [run.wait(timeout=60) for run in runs] == [0, 0]

    files = sorted(operator.backup_dir.iterdir())
    assert len(files) == 2
    assert all(NAME.match(f.name) and operator.integrity(f) == "ok" for f in files)


def test_it_refuses_a_keep_below_one(operator):
    error = operator.refused("backup_db", "--keep", "0")

    assert "--keep must be at least 1" in error
    assert not operator.backup_dir.exists()


def test_it_refuses_a_folder_it_cannot_create(operator, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    error = operator.refused("backup_db", "--dir", str(tmp_path / "a-file" / "backups"))

    assert "Cannot create the backup folder" in error


def test_it_refuses_a_folder_that_is_a_file(operator, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    error = operator.refused("backup_db", "--dir", str(tmp_path / "a-file"))

    assert "is not a folder" in error


def test_it_says_so_in_one_sentence_when_postgresql_cannot_be_reached(operator):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    url = f"postgres://ic:a-secret-password@127.0.0.1:{port}/inquirycircle"  # nothing listens

    error = operator.refused("backup_db", DATABASE_URL=url)

    assert f"Cannot use the database PostgreSQL inquirycircle on 127.0.0.1:{port}" in error
    assert "a-secret-password" not in error
    assert not list(operator.backup_dir.iterdir())  # not even a temporary file


def test_it_refuses_when_the_database_file_is_missing(operator, tmp_path):
    error = operator.refused("backup_db", db=tmp_path / "nothing-here.db")

    assert "There is no database at" in error
