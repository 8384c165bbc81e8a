"""Backing up and restoring the PostgreSQL database with pg_dump, pg_restore and psql.

pg_dump --format=custom reads one consistent snapshot while the app goes on writing. It dumps
the snapshot that this module's own transaction exported and counted the rows of, and the
dump is then read back whole with pg_restore: every block must decompress, and every table
must hold the rows counted. The left-out tables (backups.left_out_tables) are dumped without
their rows (--exclude-table-data), so a restore leaves them empty.

A restore is pg_restore's SQL (--clean --if-exists) run by psql in one transaction into the
configured database: all of it or, if anything fails, none of it (restore_from says how).
Objects are owned by the configured role (--no-owner, --no-privileges), whoever owned them
where the dump was made.

The tools connect as Django does, from settings.DATABASES["default"]. The password reaches
them in PGPASSWORD, in their environment: never on a command line (which `ps` shows every
user), and never in a message.
"""

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager, suppress

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from psycopg.conninfo import make_conninfo

from .backups import (
    POSTGRES_SUFFIX,
    BackupError,
    check_counts,
    check_ours,
    disk_full,
    left_out_tables,
)
from .dbcopy import describe as describe_connection

NAME = "postgresql"
SUFFIX = POSTGRES_SUFFIX
CLIENT = (
    "install PostgreSQL's client programs of the server's major version or newer "
    "(Debian: postgresql-client-15)"
)
# A migration holding a table locked makes pg_dump wait this long, then fail.
LOCK_WAIT = "60s"
# A restore takes all the tables it replaces at once, or none and tries again a moment later
# (a failed try in its own subtransaction, which lets go of what it took). 30 s at most.
LOCK_TABLES = """DO $$
BEGIN
  FOR attempt IN 1..600 LOOP
    BEGIN
      LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE NOWAIT;
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      PERFORM pg_sleep(0.05);
    END;
  END LOOP;
  RAISE EXCEPTION 'the app kept the tables busy for 30 s; try again';
END $$;
"""
TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?P<schema>\S+) (?P<table>\S+) ")
COPY = re.compile(r"^COPY (?P<name>\S+) ")


def connection():
    return connections[DEFAULT_DB_ALIAS]


def describe():
    """'PostgreSQL inquirycircle on db:5432', without the password."""
    return describe_connection(connection())


# Running the tools


def tool_connection():
    """(conninfo without the password, environment with it) for the tools."""
    params = connection().get_connection_params()
    password = params.pop("password", None)
    for psycopg_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(psycopg_only, None)
    params.setdefault("application_name", "inquirycircle-backup")
    conninfo = make_conninfo(**{k: v for k, v in params.items() if v not in (None, "")})
    # LC_ALL: the tools' messages in English, as this module reads them.
    env = {**os.environ, "LC_ALL": "C"}
    if password:
        env["PGPASSWORD"] = str(password)
    else:
        env.pop("PGPASSWORD", None)
    return conninfo, env


def run(program, *args, connect=True):
    """(exit code, stdout, its error as a sentence) of program; --dbname is the configured
    database when connect. Killed if this process is stopped meanwhile (subprocess.run)."""
    conninfo, env = tool_connection()
    command = [program, *args, "--no-password"]
    if connect:
        command.append(f"--dbname={conninfo}")
    try:
        done = subprocess.run(  # noqa: S603 (our own command line, no shell)
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env
        )
    except FileNotFoundError as exc:
        raise missing(program) from exc
    return done.returncode, done.stdout, said(done.stderr, env)


@contextmanager
def streamed(program, *args):
    """program, never connecting, its stdout to be read line by line as it comes; .error is
    its error as a sentence once the block ends."""
    env = tool_connection()[1]
    # Its errors to a file: a pipe could fill up while stdout is read.
    with tempfile.TemporaryFile() as errors:
        process = start([program, *args], env, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            yield process
            process.stdout.close()
            process.wait()
        finally:
            stop(process)
        process.error = said(read(errors), env)


def start(command, env, **streams):
    try:
        return subprocess.Popen(  # noqa: S603 (our own command line, no shell)
            command, env=env, **{"stdin": subprocess.DEVNULL, **streams}
        )
    except FileNotFoundError as exc:
        raise missing(command[0]) from exc


def stop(process):
    """Ends process if it still runs: after a failure, or when this process is stopped."""
    if process.poll() is None:
        process.kill()
        process.wait()


def missing(program):
    return BackupError(f"{program} is not installed here: {CLIENT}.")


def read(file):
    file.seek(0)
    return file.read().decode(errors="replace")


def said(stderr, env):
    """The tool's error lines as one sentence, with the password (should a tool ever print it)
    blanked out."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    # pg_dump: error: ..., psql:<stdin>:12: ERROR:  ...
    errors = [
        re.split(r": error: |ERROR: ", line, maxsplit=1)[-1].strip()
        for line in lines
        if ": error: " in line or "ERROR: " in line
    ]
    text = "; ".join((errors or lines)[:3])
    password = env.get("PGPASSWORD")
    return text.replace(password, "********") if password else text


# Checking a dump


def read_dump(path):
    """(tables, row counts) of a pg_dump archive that is whole and holds our tables; else a
    BackupError. Tables dumped without their rows count 0."""
    tables = {m["table"] for line in toc(path) if (m := TOC_TABLE.match(line))}
    check_ours(path, tables, "a PostgreSQL dump")
    counts = dict.fromkeys(sorted(tables), 0)
    # Every data block decompressed and read to its end: a damaged one fails here.
    with streamed("pg_restore", "--data-only", "--file=-", str(path)) as process:
        table = None
        for line in process.stdout:
            if table is None:
                if match := COPY.match(line):
                    table = match["name"].rsplit(".", 1)[-1].strip('"')
            elif line == "\\.\n":
                table = None
            else:
                counts[table] = counts.get(table, 0) + 1
    if process.returncode != 0:
        raise BackupError(f"{path} is damaged: pg_restore cannot read it back ({process.error}).")
    return tables, counts


def check_file(path):
    return read_dump(path)[1]


# Making a backup


def check_can_back_up():
    """Nothing to check before connecting: an unreachable server is reported as it fails."""


def copy_into(target):
    """pg_dump of the live database into target, checked; its row counts."""
    left_out = left_out_tables()
    try:
        with transaction.atomic(), connection().cursor() as cursor:
            # One snapshot for the counts here and for pg_dump, which takes it over.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            expected = {
                table: 0 if table in left_out else count(cursor, table)
                for table in sorted(connection().introspection.table_names(cursor))
            }
            code, _, error = run(
                "pg_dump",
                "--format=custom",
                f"--file={target}",
                f"--snapshot={snapshot}",
                f"--lock-wait-timeout={LOCK_WAIT}",
                *(f'--exclude-table-data="{table}"' for table in left_out),
            )
    except DatabaseError as exc:
        raise unreachable(exc) from exc
    if code != 0:
        if "No space left on device" in error:
            raise disk_full(target.parent)
        raise BackupError(f"pg_dump could not back up {describe()}: {error}.")
    counts = check_file(target)
    check_counts({table: counts.get(table) for table in expected}, expected)
    return counts


def count(cursor, table):
    cursor.execute(f"SELECT count(*) FROM {connection().ops.quote_name(table)}")  # noqa: S608
    return cursor.fetchone()[0]


def unreachable(exc):
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return BackupError(f"Cannot use the database {describe()}: {first}.")


def live_tables():
    try:
        with connection().cursor() as cursor:
            return set(connection().introspection.table_names(cursor))
    except DatabaseError as exc:
        raise unreachable(exc) from exc


# Restoring


def check_restorable(file):
    """Row counts of a dump that can replace the live database's content."""
    tables, counts = read_dump(file)
    # --clean drops what the dump holds; a table only the live database has would stay, and
    # the next `migrate` (which the restored django_migrations says has not run) would fail.
    newer = sorted(live_tables() - tables)
    if newer:
        raise BackupError(
            f"The database has tables {file} does not ({', '.join(newer)}): the backup is from "
            "an older version of InquiryCircle. Restore it into a new, empty database "
            "(DATABASE_URL), then run `manage.py migrate`."
        )
    return counts


def has_data():
    return "django_migrations" in live_tables()


def restore_from(file):
    """The dump's content in place of the live database's, in one transaction.

    pg_restore writes the SQL (--clean: drop each object, create it again, copy its rows) and
    psql runs it in one transaction, committed only if pg_restore read the whole dump. The
    transaction first takes every table the dump replaces, all at once or none (LOCK_TABLES):
    it never waits for the app while holding a table the app waits for, so no request of the
    app deadlocks with it. The app's requests wait for the restore, then go on with its data."""
    dump_tables = {m["table"] for line in toc(file) if (m := TOC_TABLE.match(line))}
    error = restore_once(file, sorted(live_tables() & dump_tables))
    if error is not None:
        raise BackupError(
            f"Restoring {file} into {describe()} failed: {error}. Nothing was changed (it "
            "restores in one transaction)."
        )


def restore_once(file, tables):
    """None once the dump is restored, else why not (and nothing was changed)."""
    conninfo, env = tool_connection()
    psql = [
        "psql",
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--no-password",
        f"--dbname={conninfo}",
    ]
    script = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as script_errors:
        runner = start(
            psql, env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors
        )
        try:
            writer = start(
                [*script, "--file=-", str(file)],
                env,
                stdout=subprocess.PIPE,
                stderr=script_errors,
            )
            try:
                send(runner, writer, tables)
            finally:
                stop(writer)
            runner.wait()
        finally:
            stop(runner)
        if runner.returncode != 0:
            return said(read(psql_errors), env) or f"psql exited with {runner.returncode}"
        if writer.returncode != 0:
            return said(read(script_errors), env) or f"pg_restore exited with {writer.returncode}"
    return None


def send(runner, writer, tables):
    """The restore's transaction into psql: its locks, pg_restore's script, and COMMIT only if
    pg_restore got to the end of the dump."""
    try:
        runner.stdin.write(b"BEGIN;\n")
        if tables:
            names = ", ".join(connection().ops.quote_name(table) for table in tables)
            runner.stdin.write(LOCK_TABLES.format(tables=names).encode())
        shutil.copyfileobj(writer.stdout, runner.stdin)
        if writer.wait() == 0:
            runner.stdin.write(b"COMMIT;\n")
    except BrokenPipeError:
        pass  # psql stopped at an error, which it has said
    finally:
        with suppress(BrokenPipeError):
            runner.stdin.close()  # psql ends; a transaction left open is rolled back


def toc(file):
    code, listing, error = run("pg_restore", "--list", str(file), connect=False)
    if code != 0:
        raise BackupError(f"{file} is not a PostgreSQL dump (pg_dump -Fc), or is damaged: {error}.")
    return listing.splitlines()
