"""backup_db --keep N: the newest N of our backups stay; files we did not make are never touched."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from operations.backups import STAMP, prune

# Through backup_db on a SQLite file.
pytestmark = pytest.mark.sqlite

FOREIGN = (
    "notes.txt",
    "inquirycircle.db",
    "inquirycircle-latest.sqlite3",
    "inquirycircle-20200101T000000Z.sqlite3.gz",
    "other-20200101T000000Z.sqlite3",
    "inquirycircle-20200101T000000Z.dump",
    ".inquirycircle-leftover.tmp",
    ".inquirycircle-leftover.tmp-journal",
)


def old_backups(folder, count):
    """count backups named as made 1..count days ago, oldest last."""
    folder.mkdir(exist_ok=True)
    now = datetime.now(UTC)
    paths = []
    for days in range(1, count + 1):
        path = folder / f"inquirycircle-{(now - timedelta(days=days)).strftime(STAMP)}.sqlite3"
        path.write_bytes(b"an older backup")
        paths.append(path)
    return paths


def test_it_keeps_exactly_the_newest_n(operator):
    older = old_backups(operator.backup_dir, 4)

    made = operator.backup("--keep", "3")

    assert sorted(made["pruned"]) == sorted(str(p) for p in older[2:])
    assert sorted(operator.backup_dir.iterdir()) == sorted([Path(made["file"]), *older[:2]])


def test_it_never_deletes_files_it_did_not_make(operator):
    old_backups(operator.backup_dir, 3)
    for name in FOREIGN:
        (operator.backup_dir / name).write_text("the operator's")

    made = operator.backup("--keep", "1")

    assert len(made["pruned"]) == 3
    left = sorted(p.name for p in operator.backup_dir.iterdir())
    assert left == sorted([*FOREIGN, Path(made["file"]).name])
    assert all((operator.backup_dir / n).read_text() == "the operator's" for n in FOREIGN)


def test_it_keeps_the_default_number_from_ic_backup_keep(operator):
    old_backups(operator.backup_dir, 3)

    made = operator.backup(IC_BACKUP_KEEP="2")

    assert len(made["pruned"]) == 2
    assert len(list(operator.backup_dir.iterdir())) == 2


def test_it_counts_safety_backups_as_backups(operator):
    first = operator.backup()["file"]
    safety = operator.restore(first)["safety_backup"]

    made = operator.backup("--keep", "2")

    assert made["pruned"] == [first]
    assert sorted(operator.backup_dir.iterdir()) == sorted(map(Path, [safety, made["file"]]))


def test_it_counts_the_backups_of_both_databases(operator):
    older = old_backups(operator.backup_dir, 2)
    dump = older[0].with_suffix(".pgdump")
    older[0].rename(dump)

    made = operator.backup("--keep", "2")

    assert made["pruned"] == [str(older[1])]
    assert sorted(operator.backup_dir.iterdir()) == sorted([Path(made["file"]), dump])


def test_prune_with_nothing_to_prune_deletes_nothing(tmp_path):
    kept = old_backups(tmp_path, 2)

    assert prune(tmp_path, 5) == []
    assert sorted(tmp_path.iterdir()) == sorted(kept)
