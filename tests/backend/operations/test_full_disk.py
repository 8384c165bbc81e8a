"""A backup into a full disk, on SQLite and on PostgreSQL: one sentence that says so, a non-zero
exit, and nothing left in the folder that list_backups or pruning would count, nor a
temporary file. The disk is real: a 384 KB tmpfs (the small_disk fixture), and the database
holds some 600 KB that do not compress."""

import pytest

FULL = "is full (no space left on its disk): no backup was made, and nothing was left behind."


@pytest.fixture
def filled(each_operator):
    each_operator.fill()
    return each_operator


def older_backup(folder, op):
    """A backup made while there was room: a tiny stand-in with a backup's name."""
    suffix = ".pgdump" if isinstance(op.db_path, str) else ".sqlite3"
    path = folder / f"inquirycircle-20260101T000000Z{suffix}"
    path.write_bytes(b"an older backup")
    return path


def test_a_backup_into_a_full_disk_says_so_and_leaves_nothing(filled, small_disk):
    older = older_backup(small_disk, filled)

    error = filled.refused("backup_db", "--dir", str(small_disk), "--keep", "1")

    assert error == (
        f"CommandError: The backup folder {small_disk} {FULL} Free some space there, or keep "
        "fewer backups (IC_BACKUP_KEEP), and try again.\n"
    )
    assert list(small_disk.iterdir()) == [older]  # no part of a backup, and nothing pruned
    listed = filled.ok("list_backups", "--dir", str(small_disk), "--json")["backups"]
    assert [b["file"] for b in listed] == [str(older)]


def test_a_restore_whose_safety_backup_finds_the_disk_full_changes_nothing(filled, small_disk):
    backup = filled.backup()["file"]  # into the roomy backup folder
    filled.post_messages(2, prefix="after the backup")
    before = filled.data()

    error = filled.refused("restore_db", backup, "--yes", "--dir", str(small_disk))

    assert f"The backup folder {small_disk} {FULL}" in error
    assert filled.data() == before
    assert list(small_disk.iterdir()) == []


def test_the_disk_is_really_full_and_a_backup_fits_once_there_is_room(each_operator, small_disk):
    # Without the 600 KB of messages, the same database fits: the failure above was the disk.
    made = each_operator.backup("--dir", str(small_disk))

    assert [p.name for p in small_disk.iterdir()] == [made["file"].rsplit("/", 1)[1]]
