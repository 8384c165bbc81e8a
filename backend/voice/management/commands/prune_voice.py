from django.conf import settings
from django.core.management.base import BaseCommand

from voice.retention import prune


class Command(BaseCommand):
    help = (
        "Deletes attendance records, signals and unshared responses older than "
        "IC_VOICE_RETENTION_DAYS (the backups service runs it before each backup)."
    )

    def handle(self, *args, **options):
        deleted = prune()
        counts = ", ".join(f"{count} {what}" for what, count in deleted.items())
        self.stdout.write(
            f"Deleted what was older than {settings.VOICE_RETENTION_DAYS} days: {counts}."
        )
