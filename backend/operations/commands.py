"""What the backup commands share: a --dir option for the backup folder, and a BackupError
shown to the operator as a one-line CommandError, never as a traceback."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from ic_core.commands import OperatorCommand

from .backups import BackupError


class BackupCommand(OperatorCommand):
    dir_help = "The backup folder (default: IC_BACKUP_DIR)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--dir", type=Path, help=self.dir_help)
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BackupError as exc:
            raise CommandError(exc) from exc

    def backup_dir(self, options):
        return options["dir"] or Path(settings.BACKUP_DIR)
