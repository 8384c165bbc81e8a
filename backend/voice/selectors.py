"""What the facilitator and each participant see of the circle's voice now."""

from django.utils import timezone

from facilitation import presence
from facilitation.models import Place
from rhythm.models import Session
from rhythm.selectors import open_session

from .models import PromptResponse, Signal, SignalKind

RESPONSES_SHOWN = 200
OWN_RESPONSES_SHOWN = 50


def current_since(circle):
    """When the circle's last session ended (None: none has): responses and signals from
    before it belong to that session, and are off the facilitator's screen."""
    ended = Session.objects.filter(circle=circle, ended_at__isnull=False)
    return ended.order_by("-ended_at").values_list("ended_at", flat=True).first()


def _since(queryset, field, since):
    return queryset if since is None else queryset.filter(**{f"{field}__gt": since})


def current_responses(circle, since):
    """The current responses, oldest first: the newest RESPONSES_SHOWN."""
    responses = _since(PromptResponse.objects.filter(circle=circle), "created_at", since)
    newest = responses.select_related("prompt").order_by("-created_at", "-id")[:RESPONSES_SHOWN]
    return list(reversed(newest))


def signals_up(circle, since, key=None):
    """Raised and not yet lowered since the last session ended, in the order raised."""
    signals = _since(
        Signal.objects.filter(circle=circle, lowered_at__isnull=True), "raised_at", since
    )
    if key is not None:
        signals = signals.filter(key=key)
    return list(signals.order_by("raised_at", "id"))


def present_people(circle):
    now = timezone.now()
    return {
        place: [
            {"person": person, "role": role, "since": since}
            for person, role, since in presence.present(circle, place, now)
        ]
        for place in (Place.ROOM, Place.CALL)
    }


def voice_of(circle):
    """The facilitator's view."""
    since = current_since(circle)
    signals = signals_up(circle, since)
    return {
        "session": open_session(circle),
        "responses": current_responses(circle, since),
        "hands": [s for s in signals if s.kind == SignalKind.HAND],
        "signals": [s for s in signals if s.kind != SignalKind.HAND],
        "presence": present_people(circle),
    }


def own_voice(circle, key):
    """A participant's own responses (newest first) and raised signals."""
    responses = PromptResponse.objects.filter(circle=circle, author=key).select_related("prompt")
    raised = {s.kind: s.pk for s in signals_up(circle, current_since(circle), key)}
    return {
        "responses": list(responses.order_by("-created_at", "-id")[:OWN_RESPONSES_SHOWN]),
        "signals": {kind: raised.get(kind) for kind in SignalKind.values},
    }
