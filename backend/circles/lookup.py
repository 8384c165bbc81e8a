"""Finding the circle a request names, as DRF errors: 404 if not visible, 403 if not allowed.

What only the facilitator (or only the participants) may do is a phrase that completes the 403's
sentence, translated in a context of its own so that translators see the sentence it goes in:
facilitated_circle_for(request, slug, pgettext("facilitator can", "change it")).
"""

from django.utils.translation import gettext
from rest_framework.exceptions import NotFound, PermissionDenied

from .selectors import visible_circle


def not_visible(slug):
    """The 404 for a circle the key may not see, or that does not exist: the same for both."""
    return NotFound(gettext("There is no circle '%(slug)s' that your key opens.") % {"slug": slug})


def circle_for(request, slug):
    """The circle the signed-in key may see, or 404: existence is not leaked."""
    circle = visible_circle(request.user, slug) if isinstance(slug, str) else None
    if circle is None:
        raise not_visible(slug)
    return circle


def facilitated_circle_for(request, slug, doing):
    """The circle, if the signed-in key facilitates it; 403 for its participants. doing: a
    phrase of context "facilitator can"."""
    circle = circle_for(request, slug)
    if not request.user.is_facilitator:
        # Translators: %(doing)s is one of the phrases of context "facilitator can".
        sentence = gettext("Only the circle's facilitator can %(doing)s.")
        raise PermissionDenied(sentence % {"doing": doing})
    return circle


def participant_circle_for(request, slug, doing):
    """The circle, if the signed-in key is one of its participants; 403 for its facilitator
    (what a participant says back: responses, signals). doing: a phrase of context "only
    participants"."""
    circle = circle_for(request, slug)
    if request.user.is_facilitator:
        sentence = gettext(
            # Translators: %(doing)s is one of the phrases of context "only participants".
            "Only the circle's participants %(doing)s; as its facilitator, post a message."
        )
        raise PermissionDenied(sentence % {"doing": doing})
    return circle
