"""Which circles a key may see, and the facts a circle's page shows."""

from access.models import AccessKey, Role


def visible_circle(key, slug):
    """One of the circles the key may see (AccessKey.visible_circles), or None."""
    return key.visible_circles().filter(slug=slug).first()


def facilitator_name(circle):
    facilitator = AccessKey.objects.usable().filter(circles=circle, role=Role.FACILITATOR).first()
    return facilitator.display_name if facilitator else None
