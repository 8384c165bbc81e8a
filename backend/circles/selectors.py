"""Which circles a key may see, and the facts a circle's page shows."""

from access.models import AccessKey, Role

from .models import Circle


def visible_circles(key):
    """Facilitators see all their circles; participants only the active ones."""
    circles = Circle.objects.filter(access_keys=key)
    if not key.is_facilitator:
        circles = circles.filter(active=True)
    return circles


def visible_circle(key, slug):
    return visible_circles(key).filter(slug=slug).first()


def facilitator_name(circle):
    facilitator = AccessKey.objects.usable().filter(circles=circle, role=Role.FACILITATOR).first()
    return facilitator.display_name if facilitator else None
