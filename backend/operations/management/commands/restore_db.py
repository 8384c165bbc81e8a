import sys
from pathlib import Path

from django.core.management.base import CommandError

from operations.backups import check_restorable, counts_summary, database, restore_backup
from operations.commands import BackupCommand


class Command(BackupCommand):
    help = (
        "Replace the database's content with a backup file (.sqlite3 on SQLite, .pgdump on "
        "PostgreSQL), after a safety backup of the current database into the backup folder. "
        "Running workers may stay up; everyone signs in again afterwards."
    )
    dir_help = "Where the safety backup goes (default: IC_BACKUP_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file, e.g. from list_backups.")
        parser.add_argument("--yes", action="store_true", help="Do not ask (scripts).")

    def handle(self, *args, **options):
        file = options["file"]
        counts = check_restorable(file)
        if not options["yes"]:
            self.confirm(file, database().describe(), counts)
        restored = restore_backup(file, self.backup_dir(options))
        safety = restored.safety_backup
        data = {
            "restored": str(restored.source),
            "database": str(restored.database),
            "tables": restored.counts,
            "safety_backup": str(safety.path) if safety else None,
        }
        lines = [
            f"Restored {restored.source} into {restored.database}: "
            f"{counts_summary(restored.counts)}."
        ]
        if safety:
            lines += [
                f"The replaced database was saved first to {safety.path}.",
                f"To undo this restore: manage.py restore_db {safety.path}",
            ]
        lines.append("No session was kept: everyone signs in again with their key.")
        self.emit(options, data, "\n".join(lines))

    def confirm(self, file, live, counts):
        if not sys.stdin.isatty():
            raise CommandError(
                "restore_db replaces the whole database. Run it on a terminal to confirm, "
                "or pass --yes."
            )
        answer = input(
            f"Replace the content of {live} with {file} ({counts_summary(counts)})?\n"
            "A safety backup of the current database is taken first. Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; the database is unchanged.")
