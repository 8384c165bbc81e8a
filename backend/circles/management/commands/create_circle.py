from django.core.management.base import CommandError

from circles.actions import SlugTaken, create_circle
from circles.serializers import CircleWriteSerializer
from ic_core.commands import OperatorCommand, iso
from ic_core.errors import describe_validation_errors


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
        # The same rules as POST /api/circles/, so the shell cannot make a circle the API can't.
        given = {"name": options["name"], "description": options["description"]}
        for option, field in (("slug", "slug"), ("next_session", "next_session")):
            if options[option] is not None:
                given[field] = options[option]
        serializer = CircleWriteSerializer(data=given)
        if not serializer.is_valid():
            raise CommandError(" ".join(describe_validation_errors(serializer.errors)))
        data = serializer.validated_data
        try:
            circle = create_circle(**data)
        except SlugTaken as exc:
            raise CommandError(f"A circle with slug '{data['slug']}' already exists.") from exc
        self.emit(options, circle_json(circle), f"Created circle '{circle.name}' ({circle.slug}).")
