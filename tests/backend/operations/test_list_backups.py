"""manage.py list_backups and newest_backup(): our backups, newest first, with size and age."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from operations.backups import STAMP, newest_backup

# On a SQLite file (PostgreSQL: test_backup_db_postgresql.py).
pytestmark = pytest.mark.sqlite


def backup_named(folder, when, suffix="", size=10, kind=".sqlite3"):
    folder.mkdir(exist_ok=True)
    path = folder / f"inquirycircle-{when.strftime(STAMP)}{suffix}{kind}"
    path.write_bytes(b"x" * size)
    return path


def test_it_lists_the_backups_newest_first_with_size_and_age(operator):
    first = Path(operator.backup()["file"])
    second = Path(operator.backup()["file"])

    listed = operator.ok("list_backups", "--json")

    assert listed["directory"] == str(operator.backup_dir)
    assert [b["file"] for b in listed["backups"]] == [str(second), str(first)]
    newest = listed["backups"][0]
    assert newest["size"] == second.stat().st_size
    assert 0 <= newest["age_seconds"] < 120
    assert newest["pre_restore"] is False
    assert newest["database"] == "sqlite"


def test_it_prints_one_line_per_backup(operator, tmp_path):
    now = datetime.now(UTC)
    old = backup_named(tmp_path / "b", now - timedelta(hours=3), size=2048)
    new = backup_named(tmp_path / "b", now - timedelta(minutes=5), size=100)

    out = operator.ok("list_backups", "--dir", str(tmp_path / "b"))

    assert out.splitlines() == [
        f"Backups in {tmp_path / 'b'}, newest first:",
        f"  {new.name}   100 bytes  5 min ago",
        f"  {old.name}      2.0 KB  3 h ago",
    ]


def test_it_lists_the_backups_of_both_databases_together(operator, tmp_path):
    now = datetime.now(UTC)
    sqlite = backup_named(tmp_path / "b", now - timedelta(days=1))
    dump = backup_named(tmp_path / "b", now - timedelta(hours=1), kind=".pgdump")

    listed = operator.ok("list_backups", "--dir", str(tmp_path / "b"), "--json")["backups"]

    assert [(b["file"], b["database"]) for b in listed] == [
        (str(dump), "postgresql"),
        (str(sqlite), "sqlite"),
    ]


def test_it_says_when_there_are_none(operator):
    out = operator.ok("list_backups")

    assert out.strip() == f"No backups in {operator.backup_dir}."
    assert operator.ok("list_backups", "--json")["backups"] == []


def test_it_leaves_out_files_it_did_not_make(operator):
    ours = Path(operator.backup()["file"])
    for name in ("notes.txt", "inquirycircle.db", "inquirycircle-latest.sqlite3"):
        (operator.backup_dir / name).write_text("not a backup")

    listed = operator.ok("list_backups", "--json")["backups"]

    assert [b["file"] for b in listed] == [str(ours)]


def test_newest_backup_gives_the_path_and_age_of_the_newest(tmp_path):
    now = datetime.now(UTC)
    backup_named(tmp_path, now - timedelta(days=2))
    newest = backup_named(tmp_path, now - timedelta(hours=1))
    backup_named(tmp_path, now - timedelta(days=1))

    path, age = newest_backup(tmp_path)

    assert path == newest
    assert 3599 <= age < 3700


def test_newest_backup_orders_backups_of_one_second_by_their_number(tmp_path):
    when = datetime(2026, 11, 28, 4, 15, tzinfo=UTC)
    for suffix in ("", "-2", "-10", "-9"):
        backup_named(tmp_path, when, suffix)

    assert newest_backup(tmp_path)[0].name == "inquirycircle-20261128T041500Z-10.sqlite3"


def test_newest_backup_is_none_without_backups(tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup")

    assert newest_backup(tmp_path) is None
    assert newest_backup(tmp_path / "missing") is None
