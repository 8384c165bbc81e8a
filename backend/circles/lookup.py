"""Finding the circle a request names, as DRF errors: 404 if not visible, 403 if not allowed."""

from rest_framework.exceptions import NotFound, PermissionDenied

from .selectors import visible_circle


def not_visible(slug):
    """The 404 for a circle the key may not see, or that does not exist: the same for both."""
    return NotFound(f"There is no circle '{slug}' that your key opens.")


def circle_for(request, slug):
    """The circle the signed-in key may see, or 404: existence is not leaked."""
    circle = visible_circle(request.user, slug) if isinstance(slug, str) else None
    if circle is None:
        raise not_visible(slug)
    return circle


def facilitated_circle_for(request, slug, doing):
    """The circle, if the signed-in key facilitates it; 403 for its participants."""
    circle = circle_for(request, slug)
    if not request.user.is_facilitator:
        raise PermissionDenied(f"Only the circle's facilitator can {doing}.")
    return circle


def participant_circle_for(request, slug, doing):
    """The circle, if the signed-in key is one of its participants; 403 for its facilitator
    (what a participant says back: responses, signals)."""
    circle = circle_for(request, slug)
    if request.user.is_facilitator:
        raise PermissionDenied(
            f"Only the circle's participants {doing}; as its facilitator, post a message."
        )
    return circle
