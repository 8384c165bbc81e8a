"""THE backup guarantee: backups taken while the app writes are whole, consistent snapshots,
and nothing the writer committed is lost.

A writer process posts messages through the real action (each post bumps the circle's last_seq
and inserts the message with that number, in one transaction) while backup_db runs again and
again. Every backup, restored into a fresh database, must hold messages 1..k with no gap and a
counter of exactly k: a copy that caught half a transaction, or one table newer than another,
would break that.
"""

import pytest

# On a SQLite file (PostgreSQL: test_backup_db_postgresql.py).
pytestmark = pytest.mark.sqlite


BACKUPS_WHILE_WRITING = 4


def restored_messages(operator, make_db, backup, name):
    """(numbers, last_seq, bodies) of the backup restored into a fresh database."""
    scratch = make_db(name)
    # The scratch database's own safety backup goes aside, away from the backups under test.
    operator.restore(backup, "--dir", str(scratch.parent / "safety"), db=scratch)
    assert operator.integrity(scratch) == "ok"
    numbers, last_seq = operator.seqs(scratch)
    bodies = operator.query("SELECT body FROM facilitation_message ORDER BY seq", scratch)
    return numbers, last_seq, [body for (body,) in bodies]


def test_it_backs_up_a_database_being_written_without_losing_or_tearing_anything(
    operator, make_db, tmp_path
):
    with operator.writer(tmp_path / "stop-writing") as writer:
        operator.wait_for_messages(at_least=20)
        during = [operator.backup() for _ in range(BACKUPS_WHILE_WRITING)]
    committed = writer.committed
    final = operator.backup()

    counts = []
    for i, made in enumerate([*during, final]):
        assert operator.integrity(made["file"]) == "ok"
        numbers, last_seq, bodies = restored_messages(operator, make_db, made["file"], f"r{i}.db")
        k = made["tables"]["facilitation_message"]
        assert numbers == list(range(1, k + 1))  # a prefix of the writes, no gap
        assert last_seq == k  # the counter agrees with the messages: one snapshot
        assert bodies == [f"message {n - 1}" for n in numbers]  # nothing corrupted
        counts.append(k)

    assert counts == sorted(counts)
    assert counts[0] < counts[BACKUPS_WHILE_WRITING - 1]  # the writer wrote during the backups
    assert counts[-1] == committed  # the last backup holds every committed message
    assert operator.seqs() == (list(range(1, committed + 1)), committed)
