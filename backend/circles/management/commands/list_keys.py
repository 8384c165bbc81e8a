from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from access.serializers import KeySummarySerializer
from circles.models import Circle
from ic_core.commands import OperatorCommand


def key_state(key, now):
    if key["revoked"]:
        return "revoked"
    if not key["expires"]:
        return "active"
    return "expired" if parse_datetime(key["expires"]) <= now else f"expires {key['expires']}"


class Command(OperatorCommand):
    help = "List a circle's keys: prefixes and labels, never the keys themselves."

    def add_arguments(self, parser):
        parser.add_argument("--circle", required=True, help="The circle's slug.")

    def handle(self, *args, **options):
        circle = Circle.objects.filter(slug=options["circle"]).first()
        if circle is None:
            raise CommandError(f"There is no circle '{options['circle']}'.")
        keys = KeySummarySerializer(circle.access_keys.order_by("created_at", "id"), many=True).data
        now = timezone.now()
        lines = [f"Keys of '{circle.name}':"] + [
            f"  id={k['id']:<5} {k['prefix']}-…  {k['role']:<11} uses={k['use_count']:<4} "
            f"{key_state(k, now):<10} {k['label']}"
            for k in keys
        ]
        self.emit(options, {"circle": circle.slug, "keys": keys}, "\n".join(lines))
