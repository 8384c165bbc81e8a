from django.conf import settings
from django.core.management.base import CommandError

from ic_core.commands import iso
from operations.backups import counts_summary, human_size, left_out_tables, make_backup
from operations.commands import BackupCommand


class Command(BackupCommand):
    help = (
        "Back up the database (SQLite: with its online backup API; PostgreSQL: with pg_dump), "
        "without the sessions, check the copy, then delete all but the newest backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, help="Backups to keep (default: IC_BACKUP_KEEP).")

    def handle(self, *args, **options):
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        if keep < 1:
            raise CommandError("--keep must be at least 1: the backup just made is one of them.")
        made = make_backup(self.backup_dir(options), keep)
        backup = made.backup
        data = {
            "file": str(backup.path),
            "size": backup.size,
            "taken_at": iso(backup.taken_at),
            "tables": made.counts,
            "pruned": [str(p) for p in made.pruned],
            # Tables kept empty in every backup (sessions above all).
            "left_out": sorted(left_out_tables()),
        }
        lines = [
            f"Backed up the database to {backup.path} ({human_size(backup.size)}).",
            f"Checked: integrity ok, {counts_summary(made.counts)}.",
            f"Deleted {len(made.pruned)} old backups; the newest {keep} are kept.",
        ]
        self.emit(options, data, "\n".join(lines))
