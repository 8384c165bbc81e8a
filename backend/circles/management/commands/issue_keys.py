from django.core.management.base import CommandError
from django.utils import timezone

from access.actions import issue_keys
from access.models import Role
from circles.models import Circle
from ic_core.commands import OperatorCommand, iso, parse_when


class Command(OperatorCommand):
    help = "Issue access keys for a circle. The keys are printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("--circle", required=True, help="The circle's slug.")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--label", default="", help="Display name of the key's holder.")
        parser.add_argument("--expires", help="ISO 8601 time after which the key stops working.")

    def handle(self, *args, **options):
        circle = Circle.objects.filter(slug=options["circle"]).first()
        if circle is None:
            raise CommandError(f"There is no circle '{options['circle']}'.")
        if not 1 <= options["count"] <= 100:
            raise CommandError("--count must be between 1 and 100.")
        expires = parse_when(options["expires"], "--expires")
        if expires is not None and expires <= timezone.now():
            raise CommandError("--expires must be in the future.")
        issued = issue_keys(
            [circle],
            options["role"],
            count=options["count"],
            labels=[options["label"]] * options["count"],
            expires_at=expires,
        )
        keys = [
            {
                "id": k.record.pk,
                "key": k.plaintext,
                "prefix": k.record.prefix,
                "role": k.record.role,
                "label": k.record.label,
                "circle": circle.slug,
                "expires": iso(k.record.expires_at),
            }
            for k in issued
        ]
        lines = [f"{options['role'].capitalize()} keys for '{circle.name}' (shown only now):"]
        lines += [f"  {k['key']}  id={k['id']}  {k['label']}".rstrip() for k in keys]
        self.emit(options, {"keys": keys}, "\n".join(lines))
