"""What participants send and what the facilitator does with it. Each is one transaction and
records live.changes.voice_changed, so the facilitator's page (and the participant's, when it
concerns them) reads the voice again at commit."""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from access.models import AccessKey
from facilitation.actions import post_message
from facilitation.models import Kind
from facilitation.selectors import current_prompt
from live import changes
from rhythm.selectors import open_session

from .models import ANONYMOUS_NAME, PromptResponse, SharedAs, Signal
from .selectors import current_since, signals_up


class Refused(Exception):
    """The circle's state does not allow this now (a 409); the message says why."""


class TooFast(Exception):
    """The participant sent more than their limit in the window; wait is in seconds."""

    def __init__(self, wait):
        super().__init__(wait)
        self.wait = wait
        self.limit = settings.RESPONSE_LIMIT
        self.window = settings.RESPONSE_WINDOW


def _lock(key):
    """Locks the key's row until the transaction ends: one participant's parallel burst is
    counted one request at a time, and nobody else waits on it."""
    AccessKey.objects.select_for_update().values_list("pk", flat=True).get(pk=key.pk)


def _within_limit(key, now):
    """Refuses (TooFast) if the key already sent its limit in the window. Under _lock."""
    start = now - timedelta(seconds=settings.RESPONSE_WINDOW)
    sent = sorted(
        [
            *PromptResponse.objects.filter(author=key, created_at__gt=start).values_list(
                "created_at", flat=True
            ),
            *Signal.objects.filter(key=key, raised_at__gt=start).values_list(
                "raised_at", flat=True
            ),
        ]
    )
    if len(sent) >= settings.RESPONSE_LIMIT:
        # Free again when the oldest that counts leaves the window.
        oldest = sent[len(sent) - settings.RESPONSE_LIMIT]
        wait = (oldest - start).total_seconds()
        raise TooFast(max(1, math.ceil(wait)))


@transaction.atomic
def respond(circle, key, body):
    """The participant's response to the circle's pinned prompt."""
    now = timezone.now()
    _lock(key)
    _within_limit(key, now)
    prompt = current_prompt(circle)
    if prompt is None:
        raise Refused(
            gettext("No prompt is pinned in this circle now, so there is nothing to respond to.")
        )
    session = open_session(circle)
    response = PromptResponse.objects.create(
        circle=circle,
        prompt=prompt,
        session=session,
        author=key,
        author_name=key.display_name,
        body=body,
        created_at=now,
    )
    changes.voice_changed(circle.pk, key.pk)
    return response


@transaction.atomic
def share(response, facilitator, shared_as):
    """Posts the response to the circle's feed, by its author's name or by nobody's."""
    response = PromptResponse.objects.select_for_update().get(pk=response.pk)
    if response.shared_as:
        raise Refused(gettext("This response was already shared with the circle."))
    name = response.author_name if shared_as == SharedAs.NAMED else ANONYMOUS_NAME
    message = post_message(
        response.circle, facilitator, Kind.RESPONSE, response.body, author_name=name
    )
    response.shared_as, response.shared_message = shared_as, message
    response.save(update_fields=["shared_as", "shared_message"])
    changes.voice_changed(response.circle_id, response.author_id)
    return response


@transaction.atomic
def raise_signal(circle, key, kind):
    """(signal, raised): the same signal if it is already up."""
    now = timezone.now()
    _lock(key)
    up = signals_up(circle, current_since(circle), key)
    same = next((s for s in up if s.kind == kind), None)
    if same is not None:
        return same, False
    _within_limit(key, now)
    signal = Signal.objects.create(
        circle=circle, key=key, person=key.display_name, kind=kind, raised_at=now
    )
    changes.voice_changed(circle.pk, key.pk)
    return signal, True


@transaction.atomic
def lower_signal(signal):
    if Signal.objects.filter(pk=signal.pk, lowered_at__isnull=True).update(
        lowered_at=timezone.now()
    ):
        changes.voice_changed(signal.circle_id, signal.key_id)
