from django.db import transaction

from access.actions import issue_keys
from access.models import Role
from circles.actions import create_circle
from circles.models import Circle
from ic_core.commands import OperatorCommand

DEMO_SLUG = "demo"
DEMO_LABEL = "Demo"


class Command(OperatorCommand):
    help = (
        "Create a demo circle with one facilitator and three participant keys, and print them. "
        "Running it again replaces the demo keys with fresh ones (their plaintexts are not "
        "stored, so they cannot be printed twice); nothing else is duplicated."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        circle = Circle.objects.filter(slug=DEMO_SLUG).first() or create_circle(
            "Demo circle",
            slug=DEMO_SLUG,
            description="A circle to try InquiryCircle with.",
        )
        # Only the newest demo keys exist: the old ones go, messages keep their author names.
        circle.access_keys.filter(label__startswith=DEMO_LABEL).delete()
        facilitator = issue_keys([circle], Role.FACILITATOR, labels=["Demo facilitator"])[0]
        participants = issue_keys(
            [circle], Role.PARTICIPANT, count=3, labels=[f"Demo participant {n}" for n in (1, 2, 3)]
        )
        data = {
            "circle": circle.slug,
            "facilitator_key": facilitator.plaintext,
            "participant_keys": [p.plaintext for p in participants],
        }
        text = "\n".join(
            [
                f"Demo circle '{circle.name}' ({circle.slug})",
                f"  facilitator key:  {facilitator.plaintext}",
                *(f"  participant key:  {p.plaintext}" for p in participants),
            ]
        )
        self.emit(options, data, text)
