"""Backups of the live SQLite database: made, checked, pruned, listed and restored.

Copies are made with SQLite's online backup API, never by copying the file: a file copy taken
while a worker writes can catch half a transaction, or miss what still sits in the WAL file.
The backup API reads one consistent snapshot, and writers carry on meanwhile.
"""

import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections

from live import changes

PREFIX = "inquirycircle-"
# inquirycircle-20261128T041500Z.sqlite3; -2, -3 ... when one second sees several backups;
# -pre-restore for the copy restore_db takes of the database it is about to replace.
NAME = re.compile(
    rf"^{PREFIX}(?P<stamp>\d{{8}}T\d{{6}}Z)(?:-(?P<n>\d+))?(?P<pre_restore>-pre-restore)?"
    r"\.sqlite3$"
)
STAMP = "%Y%m%dT%H%M%SZ"
# Tables a file must have to be an InquiryCircle database.
REQUIRED_TABLES = ("django_migrations", "circles_circle")


class BackupError(Exception):
    """An operator's mistake or a failed check: the message says what to do, no traceback."""


@dataclass
class Backup:
    path: Path
    taken_at: datetime
    pre_restore: bool = False

    @property
    def size(self):
        return self.path.stat().st_size

    @property
    def stamp(self):
        return self.taken_at.strftime(STAMP)

    def age_seconds(self, now=None):
        return ((now or datetime.now(UTC)) - self.taken_at).total_seconds()


@dataclass
class Made:
    """What make_backup did: the new file, its checked row counts, the old files it deleted."""

    backup: Backup
    counts: dict
    pruned: list = field(default_factory=list)


@dataclass
class Restored:
    source: Path
    database: Path
    counts: dict
    safety_backup: Backup | None


# The live database


def live_database():
    """The path of the SQLite file Django uses; refuses any other database before connecting."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        raise BackupError(
            f"The database is not SQLite (ENGINE {db['ENGINE']}): backup_db and restore_db "
            "work on SQLite only. For PostgreSQL use pg_dump and pg_restore, as the operations "
            "runbook shows."
        )
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory; there is no file to back up or restore.")
    return Path(name)


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
    missing = [t for t in REQUIRED_TABLES if t not in counts]
    if missing:
        raise BackupError(
            f"{path} is a SQLite file but not an InquiryCircle database "
            f"(no table {', '.join(missing)})."
        )
    return counts


# Making a backup


def make_backup(directory, keep):
    """Back the live database up into directory, check the copy, keep the newest `keep`."""
    if keep < 1:
        raise BackupError("keep must be at least 1: the backup just made is one of them.")
    backup, counts = copy_live_database(Path(directory))
    return Made(backup, counts, pruned=prune(directory, keep))


def copy_live_database(directory, pre_restore=False):
    """A checked copy of the live database under a new backup name, and its row counts."""
    live = live_database()
    if not live.is_file():
        raise BackupError(f"There is no database at {live} to back up.")
    ensure_directory(directory)
    taken_at = datetime.now(UTC)
    temp = temporary_file(directory)
    try:
        try:
            expected = snapshot_into(live, temp)
        except sqlite3.Error as exc:
            raise BackupError(f"Copying {live} failed: {exc}.") from exc
        counts = check_file(temp)
        if counts != expected:
            differ = ", ".join(
                f"{t}: {counts.get(t)} in the copy, {expected.get(t)} in the database"
                for t in sorted(set(counts) | set(expected))
                if counts.get(t) != expected.get(t)
            )
            raise BackupError(f"The copy does not match the database ({differ}); try again.")
        path = publish(temp, directory, taken_at, pre_restore)
    finally:
        temp.unlink(missing_ok=True)
    return Backup(path, taken_at.replace(microsecond=0), pre_restore), counts


def ensure_directory(directory):
    if not directory.exists():
        try:
            # exist_ok: two backups started at once both find no folder and both make it.
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(0o750)
        except OSError as exc:
            raise BackupError(
                f"Cannot create the backup folder {directory}: {exc.strerror}."
            ) from exc
    if not directory.is_dir():
        raise BackupError(f"The backup folder {directory} is not a folder.")


def temporary_file(directory):
    """An empty file only we can read (backups hold key hashes), in the folder of the backups."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{PREFIX}", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise BackupError(
            f"Cannot write to the backup folder {directory}: {exc.strerror}."
        ) from exc
    os.close(fd)
    return Path(name)


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


def publish(temp, directory, taken_at, pre_restore):
    """Give the checked copy its backup name atomically, never replacing an existing backup."""
    stamp = taken_at.strftime(STAMP)
    tag = "-pre-restore" if pre_restore else ""
    n = 0
    while True:
        # Numbered after every backup of the same second, safety backups included, so the
        # names sort in the order the backups were made.
        taken = (number(b) for b in list_backups(directory) if b.stamp == stamp)
        n = max(n + 1, 1 + max(taken, default=0))
        path = directory / f"{PREFIX}{stamp}{f'-{n}' if n > 1 else ''}{tag}.sqlite3"
        try:
            os.link(temp, path)  # unlike a rename, fails if another run took the name
        except FileExistsError:
            continue
        path.chmod(0o600)
        return path


# Listing and pruning


def parse_name(path):
    match = NAME.match(path.name)
    if match is None:
        return None
    taken_at = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
    return Backup(path, taken_at, pre_restore=bool(match["pre_restore"]))


def number(backup):
    """1 for the first backup of a second, 2 for the next one, and so on."""
    return int(NAME.match(backup.path.name)["n"] or 1)


def sort_key(backup):
    return (backup.taken_at, number(backup), backup.path.name)


def list_backups(directory):
    """The backups this tool made in directory, newest first; other files are not ours."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = (parse_name(p) for p in directory.iterdir() if p.is_file())
    return sorted((b for b in found if b is not None), key=sort_key, reverse=True)


def newest_backup(directory):
    """(path, age in seconds) of the newest backup in directory, or None if there is none."""
    backups = list_backups(directory)
    return (backups[0].path, backups[0].age_seconds()) if backups else None


def prune(directory, keep):
    """Delete all but the newest `keep` backups; return the deleted files."""
    old = list_backups(directory)[keep:]
    for backup in old:
        backup.path.unlink(missing_ok=True)  # another run may have pruned it already
    return [b.path for b in old]


# Restoring


def check_restorable(file):
    """Row counts of a file restore_backup would accept; else a BackupError."""
    live = live_database()
    if file.exists() and live.exists() and file.resolve() == live.resolve():
        raise BackupError(f"{file} is the live database itself, not a backup.")
    return check_file(file)


def restore_backup(file, directory):
    """Replace the live database's content with a checked backup, after a safety backup of it
    into directory. Processes holding the database see the restored content at their next
    transaction: the backup API writes through SQLite's locks, not behind their back."""
    file = Path(file)
    counts = check_restorable(file)
    live = live_database()
    connections.close_all()
    safety = None
    if live.is_file() and live.stat().st_size > 0:
        safety, _ = copy_live_database(Path(directory), pre_restore=True)
    try:
        copy_into(file, live)
    except sqlite3.Error as exc:
        saved = f" The safety backup is {safety.path}." if safety else ""
        raise BackupError(f"Restoring {file} into {live} failed: {exc}.{saved}") from exc
    announce_replaced_database()
    return Restored(file, live, counts, safety)


def announce_replaced_database():
    """A new epoch: open pages learn that message numbers may have gone back, and reload.

    A backup older than the live channel has no epoch table; `migrate` makes one, and the
    workers notice the change log going back anyway."""
    try:
        changes.database_replaced()
    except DatabaseError:
        pass
    finally:
        connections.close_all()


def copy_into(file, live):
    """The backup API in reverse: the backup file is the source, the live database the target,
    written in one transaction under SQLite's write lock."""
    source = connect(file, read_only=True)
    try:
        target = connect(live)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


# Words for operators


def human_size(size):
    if size < 1024:
        return f"{size} bytes"
    units = ["KB", "MB", "GB"]
    size /= 1024
    while size >= 1024 and len(units) > 1:
        size /= 1024
        units.pop(0)
    return f"{size:.1f} {units[0]}"


def human_age(seconds):
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"


def counts_summary(counts):
    """'15 tables, 1204 rows (circles_circle 1, facilitation_message 1200, ...)'."""
    filled = ", ".join(f"{table} {n}" for table, n in counts.items() if n)
    total = sum(counts.values())
    return f"{len(counts)} tables, {total} rows" + (f" ({filled})" if filled else "")
