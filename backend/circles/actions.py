"""State changes of circles."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from access.actions import revoke_key
from access.models import Role
from live import changes

from .models import Circle, new_room_name


class SlugTaken(Exception):
    pass


def unique_slug_from(name):
    base = slugify(name)[:56].strip("-") or "circle"
    slug, n = base, 1
    while Circle.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_circle(
    name, slug=None, description="", next_session_at=None, active=True, facilitator=None
):
    """Create a circle; the facilitator key given, if any, facilitates it."""
    try:
        with transaction.atomic():
            circle = Circle.objects.create(
                slug=slug or unique_slug_from(name),
                name=name,
                description=description,
                next_session_at=next_session_at,
                active=active,
            )
            if facilitator is not None:
                facilitator.circles.add(circle)
    except IntegrityError as exc:
        raise SlugTaken(slug) from exc
    return circle


@transaction.atomic
def update_circle(circle, **fields):
    """Changes the circle; its open live streams hear of it (a closed circle ends those of its
    participants)."""
    for field, value in fields.items():
        setattr(circle, field, value)
    circle.save(update_fields=list(fields))
    changes.circle_changed(circle.pk)
    return circle


@transaction.atomic
def move_to_new_room(circle):
    """Gives the circle's call a new room name; open pages reconnect and follow it there.

    For public mode, where the room name is the only lock: whoever is left in the old room
    (a revoked key's holder) is on their own, and cannot find the new one.
    """
    circle.jitsi_room = new_room_name()
    circle.save(update_fields=["jitsi_room"])
    changes.room_moved(circle.pk)
    return circle


@transaction.atomic
def delete_circle(circle):
    """Delete a circle and its messages; participant keys left opening nothing are revoked."""
    participant_keys = list(circle.access_keys.filter(role=Role.PARTICIPANT))
    changes.circle_changed(circle.pk)
    circle.delete()
    for key in participant_keys:
        if not key.circles.exists():
            revoke_key(key)
