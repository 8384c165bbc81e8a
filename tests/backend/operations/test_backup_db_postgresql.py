"""manage.py backup_db on PostgreSQL: pg_dump -Fc of one snapshot, read back and checked,
readable only by its owner; the password reaches the tools in their environment only."""

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgresql

NAME = re.compile(r"^inquirycircle-\d{8}T\d{6}Z(-\d+)?\.pgdump$")
PASSWORD = "inquirycircle"  # the test server's, in its URL (support/postgres.py)

# Stands in front of a PostgreSQL tool on PATH: notes how it was called, then runs it.
RECORDER = """#!/bin/sh
printf '%s\\n' "$(printf '%s ' "$0" "$@")" "PGPASSWORD=${{PGPASSWORD:-}}" >> {log}
exec {real} "$@"
"""


def toc(file):
    return subprocess.run(
        ["pg_restore", "--list", str(file)], capture_output=True, text=True, check=True
    ).stdout


def test_it_makes_a_checked_dump_with_the_same_rows(pg_operator):
    pg_operator.post_messages(5)

    made = pg_operator.backup()

    file = Path(made["file"])
    assert file.parent == pg_operator.backup_dir
    assert NAME.match(file.name)
    assert made["size"] == file.stat().st_size
    assert made["tables"]["circles_circle"] == 1
    assert made["tables"]["access_accesskey"] == 4
    assert made["tables"]["facilitation_message"] == 5
    assert " TABLE DATA public facilitation_message " in toc(file)
    assert made["pruned"] == []


def test_it_leaves_one_file_0600_in_a_folder_0750(pg_operator):
    made = pg_operator.backup()

    assert [p.name for p in pg_operator.backup_dir.iterdir()] == [Path(made["file"]).name]
    assert stat.S_IMODE(pg_operator.backup_dir.stat().st_mode) == 0o750
    assert stat.S_IMODE(Path(made["file"]).stat().st_mode) == 0o600


def test_it_prints_the_file_its_size_and_the_counts(pg_operator):
    out = pg_operator.ok("backup_db", "--keep", "3")

    lines = out.splitlines()
    assert re.fullmatch(
        rf"Backed up the database to {pg_operator.backup_dir}/inquirycircle-\S+\.pgdump "
        r"\(\d+\.\d KB\)\.",
        lines[0],
    )
    assert "access_accesskey 4, access_accesskey_circles 4, circles_circle 1" in lines[1]
    assert lines[2] == "Deleted 0 old backups; the newest 3 are kept."


def test_it_backs_up_while_the_app_writes_each_backup_one_snapshot(pg_operator, tmp_path):
    with pg_operator.writer(tmp_path / "stop-writing") as writer:
        pg_operator.wait_for_messages(at_least=20)
        during = [pg_operator.backup() for _ in range(3)]
    final = pg_operator.backup()

    counts = [made["tables"]["facilitation_message"] for made in [*during, final]]
    assert counts == sorted(counts)
    assert counts[0] < counts[2]  # the writer wrote during the backups
    assert counts[-1] == writer.committed
    for made in during:  # the circle's counter agrees with its messages: one snapshot
        assert dumped_last_seq(made["file"]) == made["tables"]["facilitation_message"]


def dumped_last_seq(file):
    """The demo circle's last_seq as the dump holds it."""
    script = subprocess.run(
        ["pg_restore", "--data-only", "--table=circles_circle", "--file=-", file],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    at = next(i for i, line in enumerate(script) if line.startswith("COPY public.circles_circle"))
    columns = script[at].split("(", 1)[1].split(")", 1)[0].split(", ")
    row = dict(zip(columns, script[at + 1].split("\t"), strict=True))
    assert row["slug"] == "demo"
    return int(row["last_seq"])


def test_it_gives_the_password_to_the_postgresql_tools_in_their_environment_only(
    pg_operator, tmp_path
):
    tools, log = tmp_path / "bin", tmp_path / "calls.log"
    tools.mkdir()
    for tool in ("pg_dump", "pg_restore", "psql"):
        real = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        (tools / tool).write_text(RECORDER.format(log=log, real=real))
        (tools / tool).chmod(0o755)
    path = f"{tools}:{os.environ['PATH']}"

    backup = pg_operator.backup(PATH=path)["file"]
    pg_operator.restore(backup, PATH=path)

    calls = log.read_text().splitlines()
    commands, environments = calls[0::2], calls[1::2]
    tools = {c.split()[0].rsplit("/", 1)[-1] for c in commands}
    assert tools == {"pg_dump", "pg_restore", "psql"}
    connecting = [c for c in commands if "--dbname=" in c]
    assert len(connecting) == 3  # pg_dump: the backup, the safety backup; psql: the restore
    assert all("user=inquirycircle" in c for c in connecting)
    # The two ways a password could be on a command line: a conninfo keyword, or a URL.
    assert not [c for c in commands if "password=" in c or f":{PASSWORD}@" in c]
    assert set(environments) == {f"PGPASSWORD={PASSWORD}"}


def test_it_says_in_one_sentence_that_pg_dump_is_missing(pg_operator, tmp_path):
    (tmp_path / "no-tools").mkdir()

    error = pg_operator.refused("backup_db", PATH=str(tmp_path / "no-tools"))

    assert "pg_dump is not installed here: install PostgreSQL's client programs" in error
    assert not list(pg_operator.backup_dir.iterdir())


def test_it_says_why_pg_dump_failed_and_leaves_nothing(pg_operator, tmp_path):
    # A client too old for the server is the usual cause; any failure of pg_dump looks alike.
    fake = tmp_path / "old-tools"
    fake.mkdir()
    (fake / "pg_dump").write_text(
        "#!/bin/sh\necho 'pg_dump: error: aborting because of server version mismatch' >&2\n"
        "exit 1\n"
    )
    (fake / "pg_dump").chmod(0o755)

    error = pg_operator.refused("backup_db", PATH=f"{fake}:{os.environ['PATH']}")

    assert "pg_dump could not back up PostgreSQL " in error
    assert "aborting because of server version mismatch." in error
    assert not list(pg_operator.backup_dir.iterdir())


def test_list_backups_lists_dumps_with_their_database(pg_operator):
    made = pg_operator.backup()

    listed = pg_operator.ok("list_backups", "--json")["backups"]

    assert [(b["file"], b["database"]) for b in listed] == [(made["file"], "postgresql")]
    assert json.dumps(listed)  # plain JSON for scripts
