from django.conf import settings
from django.core.management.base import CommandError

from operations.backups import database
from operations.commands import BackupCommand
from operations.schedule import Schedule, configured_interval


class Command(BackupCommand):
    help = (
        "Back up the database now (unless the newest backup is younger than the interval) and "
        "then every IC_BACKUP_INTERVAL seconds, keeping the newest IC_BACKUP_KEEP; runs in the "
        "foreground until SIGTERM or SIGINT. One JSON log line per backup; a failed backup is "
        "logged and tried again, sooner."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, help="Backups to keep (default: IC_BACKUP_KEEP).")
        parser.add_argument(
            "--interval",
            type=int,
            metavar="SECONDS",
            help="Seconds between two backups (default: IC_BACKUP_INTERVAL, one day).",
        )

    def handle(self, *args, **options):
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        interval = configured_interval() if options["interval"] is None else options["interval"]
        if keep < 1:
            raise CommandError(
                f"IC_BACKUP_KEEP (or --keep) is {keep}: keep at least 1 backup, the one just "
                "made is one of them."
            )
        if interval < 1:
            raise CommandError(
                f"IC_BACKUP_INTERVAL (or --interval) is {interval}: give the seconds between "
                "two backups, at least 1 (one day: 86400)."
            )
        database()  # a database it cannot back up is refused now, not at every interval
        Schedule(self.backup_dir(options), keep, interval).run()
