from django.core.management.base import CommandError

from circles.actions import move_to_new_room
from circles.models import Circle
from ic_core.commands import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Move a circle's video call to a new room name. Open pages follow within seconds; "
        "anyone left in the old room (a revoked key's holder, in public mode) cannot find it."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The circle's slug.")

    def handle(self, *args, **options):
        circle = Circle.objects.filter(slug=options["slug"]).first()
        if circle is None:
            raise CommandError(f"There is no circle with slug '{options['slug']}'.")
        move_to_new_room(circle)
        # The room name is the lock in public mode: it is not printed.
        self.emit(
            options,
            {"slug": circle.slug, "moved": True},
            f"Moved the video of '{circle.name}' ({circle.slug}) to a new room.",
        )
