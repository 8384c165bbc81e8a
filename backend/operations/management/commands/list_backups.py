from pathlib import Path

from ic_core.commands import iso
from operations.backups import human_age, human_size, list_backups
from operations.commands import BackupCommand


class Command(BackupCommand):
    help = (
        "List the backups in the backup folder (of SQLite and of PostgreSQL), newest first, "
        "with their size and age."
    )

    def handle(self, *args, **options):
        directory = self.backup_dir(options)
        backups = [
            {
                "file": str(b.path),
                "size": b.size,
                "taken_at": iso(b.taken_at),
                "age_seconds": round(b.age_seconds()),
                "pre_restore": b.pre_restore,
                "database": b.database,
            }
            for b in list_backups(directory)
        ]
        lines = [f"Backups in {directory}, newest first:"] + [
            f"  {Path(b['file']).name}  {human_size(b['size']):>10}  {human_age(b['age_seconds'])}"
            for b in backups
        ]
        if not backups:
            lines = [f"No backups in {directory}."]
        self.emit(options, {"directory": str(directory), "backups": backups}, "\n".join(lines))
