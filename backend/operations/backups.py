"""Backups of the live database, SQLite or PostgreSQL: made, checked, pruned, listed, restored.

Each database is copied by its own well-kept tool: SQLite's online backup API
(operations.sqlite_backups), PostgreSQL's pg_dump and pg_restore (operations.postgres_backups).
This module is what both share: the folder, the names, the checks a copy passes before it
counts, pruning, and what a restore does after the copy.

No backup holds rows of the tables in left_out_tables(): above all not the sessions, with
which anyone holding a leaked backup could act as a signed-in person for up to 12 hours. A
restore leaves those tables empty, so everyone signs in again with their key.

A backup is written to a hidden temporary file in the backup folder, checked, flushed to disk,
and only then given its name: a failed backup, a full disk or a crash never leaves a file
that list_backups or pruning would count.
"""

import errno
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connections

from access.models import AttemptCounter
from live import changes
from live.models import Change

PREFIX = "inquirycircle-"
SQLITE_SUFFIX = ".sqlite3"
POSTGRES_SUFFIX = ".pgdump"
# inquirycircle-20261128T041500Z.sqlite3 (SQLite) or .pgdump (PostgreSQL, pg_dump -Fc); -2,
# -3 ... when one second sees several backups; -pre-restore for the copy restore_db takes of
# the database it is about to replace.
NAME = re.compile(
    rf"^{PREFIX}(?P<stamp>\d{{8}}T\d{{6}}Z)(?:-(?P<n>\d+))?(?P<pre_restore>-pre-restore)?"
    r"(?P<suffix>\.sqlite3|\.pgdump)$"
)
STAMP = "%Y%m%dT%H%M%SZ"
# Tables a copy must have to be an InquiryCircle database.
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

    @property
    def database(self):
        """ "sqlite" or "postgresql": the database the backup is of."""
        return "postgresql" if self.path.suffix == POSTGRES_SUFFIX else "sqlite"

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
    # The SQLite file, or "PostgreSQL <name> on <host>:<port>".
    database: object
    counts: dict
    safety_backup: Backup | None


# The live database


def database():
    """The module that copies the configured database; refuses any other before connecting."""
    # Imported here: both import BackupError and the shared checks from this module.
    from . import postgres_backups, sqlite_backups

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return sqlite_backups
    if engine == "django.db.backends.postgresql":
        return postgres_backups
    raise BackupError(
        f"The database is neither SQLite nor PostgreSQL (ENGINE {engine}): backup_db and "
        "restore_db know only those two."
    )


def left_out_tables():
    """{table: why} of the tables whose rows no backup holds; their tables are kept, empty."""
    left_out = {
        Session._meta.db_table: "signed-in sessions: whoever holds a leaked backup could use "
        "them; after a restore everyone signs in again with their key",
        AttemptCounter._meta.db_table: "counters of recent key attempts: they start empty, as "
        "after a quiet ten minutes",
        Change._meta.db_table: "the live channel's change log: what running workers have "
        "already heard; a restore starts a new epoch instead",
    }
    for cache in settings.CACHES.values():
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
            left_out[cache["LOCATION"]] = "a cache: it starts empty, as after a restart"
    return left_out


def check_counts(copy, expected):
    """Raise unless the copy holds the row counts of the snapshot it was made from."""
    if copy != expected:
        differ = ", ".join(
            f"{t}: {copy.get(t)} in the copy, {expected.get(t)} in the database"
            for t in sorted(set(copy) | set(expected))
            if copy.get(t) != expected.get(t)
        )
        raise BackupError(f"The copy does not match the database ({differ}); try again.")


def check_ours(path, tables, kind):
    """Raise unless the tables are those of an InquiryCircle database; kind: what path is."""
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BackupError(
            f"{path} is {kind} but not an InquiryCircle database (no table {', '.join(missing)})."
        )


def disk_full(directory):
    return BackupError(
        f"The backup folder {directory} is full (no space left on its disk): no backup was "
        "made, and nothing was left behind. Free some space there, or keep fewer backups "
        "(IC_BACKUP_KEEP), and try again."
    )


# Making a backup


def make_backup(directory, keep):
    """Back the live database up into directory, check the copy, keep the newest `keep`."""
    if keep < 1:
        raise BackupError("keep must be at least 1: the backup just made is one of them.")
    backup, counts = take_backup(Path(directory))
    return Made(backup, counts, pruned=prune(directory, keep))


def take_backup(directory, pre_restore=False):
    """A checked copy of the live database under a new backup name, and its row counts."""
    engine = database()
    engine.check_can_back_up()
    ensure_directory(directory)
    taken_at = datetime.now(UTC)
    temp = temporary_file(directory)
    try:
        counts = engine.copy_into(temp)
        flush(temp, directory)
        path = publish(temp, directory, taken_at, pre_restore, engine.SUFFIX)
    finally:
        remove_temporary(temp)
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
    """An empty file only we can read (backups hold key hashes), in the folder of the backups:
    hidden, and named so that no listing takes it for a backup."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{PREFIX}", suffix=".tmp", dir=directory)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_full(directory) from exc
        raise BackupError(
            f"Cannot write to the backup folder {directory}: {exc.strerror}."
        ) from exc
    os.close(fd)
    return Path(name)


def remove_temporary(temp):
    """The temporary file, and the journal SQLite may have left beside it."""
    for path in (temp, temp.with_name(f"{temp.name}-journal")):
        path.unlink(missing_ok=True)


def flush(temp, directory):
    """The copy on the disk itself before it gets a name: a crash cannot leave a named backup
    whose last pages were still in memory."""
    try:
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_full(directory) from exc
        raise BackupError(f"Cannot write the backup into {directory}: {exc.strerror}.") from exc


def publish(temp, directory, taken_at, pre_restore, suffix):
    """Give the checked copy its backup name atomically, never replacing an existing backup."""
    stamp = taken_at.strftime(STAMP)
    tag = "-pre-restore" if pre_restore else ""
    n = 0
    while True:
        # Numbered after every backup of the same second, safety backups and backups of the
        # other database included, so the names sort in the order the backups were made.
        taken = (number(b) for b in list_backups(directory) if b.stamp == stamp)
        n = max(n + 1, 1 + max(taken, default=0))
        path = directory / f"{PREFIX}{stamp}{f'-{n}' if n > 1 else ''}{tag}{suffix}"
        try:
            os.link(temp, path)  # unlike a rename, fails if another run took the name
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise disk_full(directory) from exc
            raise BackupError(f"Cannot name the backup {path}: {exc.strerror}.") from exc
        path.chmod(0o600)
        sync_directory(directory)
        return path


def sync_directory(directory):
    """The new name on disk too (it lives in the folder's own blocks)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    file = Path(file)
    engine = database()
    if not file.is_file():
        raise BackupError(f"There is no backup file {file}.")
    kind = sniff(file)
    if kind is not None and kind != engine.NAME:
        raise BackupError(MISMATCH[engine.NAME].format(file=file))
    return engine.check_restorable(file)


# The first bytes of each kind of backup file.
MAGIC = {b"SQLite format 3\x00": "sqlite", b"PGDMP": "postgresql"}
MISMATCH = {
    "sqlite": "{file} is a PostgreSQL backup (pg_dump) and the database is SQLite: restore it "
    "into a PostgreSQL database, or copy it with the JSON export of the operations runbook.",
    "postgresql": "{file} is a SQLite backup and the database is PostgreSQL: copy it in with "
    "`manage.py copy_database --from {file} --replace` instead.",
}


def sniff(file):
    """ "sqlite", "postgresql", or None for a file that is neither."""
    with file.open("rb") as f:
        head = f.read(16)
    return next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)


def restore_backup(file, directory):
    """Replace the live database's content with a checked backup, after a safety backup of it
    into directory. Then nobody's old session works, and open pages reload."""
    file = Path(file)
    counts = check_restorable(file)
    engine = database()
    connections.close_all()
    safety = None
    if engine.has_data():
        safety, _ = take_backup(Path(directory), pre_restore=True)
    try:
        engine.restore_from(file)
    except BackupError as exc:
        saved = f" The safety backup is {safety.path}." if safety else ""
        raise BackupError(f"{exc}{saved}") from exc
    end_sessions()
    announce_replaced_database()
    return Restored(file, engine.describe(), counts, safety)


def end_sessions():
    """No session survives a restore, even one restored from a backup made before backups
    left sessions out: everyone signs in again with their key."""
    try:
        Session.objects.all().delete()
    except DatabaseError:
        pass  # no session table: there is no session either
    finally:
        connections.close_all()


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
