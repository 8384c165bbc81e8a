"""Backup names: UTC time of the copy, numbered within a second, never reused or replaced;
.sqlite3 for SQLite, .pgdump for PostgreSQL."""

from datetime import UTC, datetime

from operations.backups import list_backups, publish

WHEN = datetime(2026, 11, 28, 4, 15, 0, tzinfo=UTC)


def copy_with(tmp_path, content):
    temp = tmp_path / f".inquirycircle-{content}.tmp"
    temp.write_text(content)
    return temp


def test_it_numbers_backups_of_the_same_second_in_the_order_they_were_made(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()

    for content, pre_restore in (("first", False), ("second", True), ("third", False)):
        publish(copy_with(tmp_path, content), folder, WHEN, pre_restore, ".sqlite3")

    listed = list_backups(folder)
    assert [b.path.name for b in listed] == [
        "inquirycircle-20261128T041500Z-3.sqlite3",
        "inquirycircle-20261128T041500Z-2-pre-restore.sqlite3",
        "inquirycircle-20261128T041500Z.sqlite3",
    ]
    assert [b.path.read_text() for b in listed] == ["third", "second", "first"]
    assert [b.pre_restore for b in listed] == [False, True, False]


def test_it_never_replaces_an_existing_backup(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    taken = folder / "inquirycircle-20261128T041500Z.sqlite3"
    taken.write_text("made earlier")

    path = publish(copy_with(tmp_path, "new"), folder, WHEN, False, ".sqlite3")

    assert path.name == "inquirycircle-20261128T041500Z-2.sqlite3"
    assert taken.read_text() == "made earlier"


def test_it_numbers_backups_of_both_databases_in_one_sequence(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()

    publish(copy_with(tmp_path, "sqlite"), folder, WHEN, False, ".sqlite3")
    path = publish(copy_with(tmp_path, "postgresql"), folder, WHEN, False, ".pgdump")

    assert path.name == "inquirycircle-20261128T041500Z-2.pgdump"
    listed = list_backups(folder)
    assert [b.path.name for b in listed] == [path.name, "inquirycircle-20261128T041500Z.sqlite3"]
    assert [b.database for b in listed] == ["postgresql", "sqlite"]


def test_it_gives_the_copy_its_name_readable_only_by_its_owner(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    temp = copy_with(folder, "whole")

    path = publish(temp, folder, WHEN, False, ".pgdump")

    assert path.read_text() == "whole"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert temp.exists()  # a hard link: the caller removes its temporary name
