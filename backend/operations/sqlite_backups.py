"""Backing up and restoring the SQLite database with SQLite's online backup API.

Copies are made with the backup API, never by copying the file: a file copy taken while a
worker writes can catch half a transaction, or miss what still sits in the WAL file. The
backup API reads one consistent snapshot, and writers carry on meanwhile. The copy then loses
the rows no backup keeps (backups.left_out_tables), overwritten with zeros where they were
(secure_delete), so that they are not left behind in its free pages either.
"""

import sqlite3
from pathlib import Path

from django.conf import settings

from .backups import (
    SQLITE_SUFFIX,
    BackupError,
    check_counts,
    check_ours,
    disk_full,
    left_out_tables,
)

NAME = "sqlite"
SUFFIX = SQLITE_SUFFIX


def live_database():
    """The path of the SQLite file Django uses."""
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory; there is no file to back up or restore.")
    return Path(name)


def describe():
    return live_database()


def connect(path, read_only=False):
    """A plain sqlite3 connection in autocommit mode, waiting for locks like Django does."""
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20)
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def table_counts(conn):
    """{table: rows} of every table, in name order."""
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    # S608: the names come from sqlite_master, not from a user.
    return {
        name: conn.execute(f"SELECT count(*) FROM {quoted(name)}").fetchone()[0]  # noqa: S608
        for (name,) in tables
    }


def quoted(identifier):
    return '"' + identifier.replace('"', '""') + '"'


# Checking a copy


def check_file(path):
    """Row counts of a backup file that is whole and holds our tables; else a BackupError."""
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    try:
        conn = connect(path, read_only=True)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            counts = table_counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database, or is damaged ({exc}).") from exc
    if problems != ["ok"]:
        raise BackupError(f"{path} failed its integrity check: {'; '.join(problems[:5])}")
    check_ours(path, counts, "a SQLite file")
    return counts


def check_restorable(file):
    live = live_database()
    if live.exists() and file.resolve() == live.resolve():
        raise BackupError(f"{file} is the live database itself, not a backup.")
    return check_file(file)


# Making a backup


def check_can_back_up():
    live = live_database()
    if not live.is_file():
        raise BackupError(f"There is no database at {live} to back up.")


def copy_into(target):
    """A checked copy of the live database in target, without the left-out rows; its counts."""
    live = live_database()
    try:
        expected = snapshot_into(live, target)
        leave_out(target, expected)
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise disk_full(target.parent) from exc
        raise BackupError(f"Copying {live} failed: {exc}.") from exc
    counts = check_file(target)
    check_counts(counts, expected)
    return counts


def snapshot_into(live, target):
    """Copy live into target in one read transaction; return the row counts of that snapshot."""
    source = connect(live)
    try:
        dest = connect(target)
        try:
            source.execute("BEGIN")
            counts = table_counts(source)  # starts the snapshot the backup below copies
            source.backup(dest)
            source.execute("COMMIT")
            # A single self-contained file, with no -wal beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
    finally:
        source.close()
    return counts


def leave_out(target, counts):
    """Delete the left-out rows from the copy, their bytes overwritten with zeros; counts, the
    snapshot's, become the copy's.

    Zeros rather than VACUUM, which would rebuild the copy in a temporary file of its size
    outside the backup folder (in the container, a small /tmp) and fail there."""
    conn = connect(target)
    try:
        # No journal: until it is checked and named the copy is only a temporary file, thrown
        # away if anything fails. So the deleted rows are never written out again.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA secure_delete=ON")
        for table in left_out_tables():
            if table in counts:
                conn.execute(f"DELETE FROM {quoted(table)}")  # noqa: S608 (our table names)
                counts[table] = 0
    finally:
        conn.close()


# Restoring


def has_data():
    """Whether the live database holds anything a restore would lose (a safety backup first)."""
    live = live_database()
    return live.is_file() and live.stat().st_size > 0


def restore_from(file):
    """The backup API in reverse: the backup file is the source, the live database the target,
    written in one transaction under SQLite's write lock. Processes holding the database see
    the restored content at their next transaction."""
    live = live_database()
    try:
        source = connect(file, read_only=True)
        try:
            target = connect(live)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Restoring {file} into {live} failed: {exc}.") from exc
