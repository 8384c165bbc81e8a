from django.core.management.base import CommandError

from circles.actions import SlugTaken, create_circle
from ic_core.commands import OperatorCommand, iso, parse_when


def circle_json(circle):
    return {
        "slug": circle.slug,
        "name": circle.name,
        "description": circle.description,
        "next_session": iso(circle.next_session_at),
        "active": circle.active,
    }


class Command(OperatorCommand):
    help = "Create a circle. Issue its facilitator key next with issue_keys."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", help="The public id in URLs (default: from the name).")
        parser.add_argument("--description", default="")
        parser.add_argument("--next-session", help="ISO 8601 time of the next session.")

    def handle(self, *args, **options):
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be blank.")
        try:
            circle = create_circle(
                name,
                slug=options["slug"],
                description=options["description"],
                next_session_at=parse_when(options["next_session"], "--next-session"),
            )
        except SlugTaken as exc:
            raise CommandError(f"A circle with slug '{options['slug']}' already exists.") from exc
        self.emit(options, circle_json(circle), f"Created circle '{circle.name}' ({circle.slug}).")
