"""Whether open streams may go on: their keys, sessions and circles, checked in a few batched
queries however many streams there are, and the reason a stream must end."""

from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy

from access.models import AccessKey
from circles.models import Circle

CHUNK = 500  # ids per IN (...): well under every engine's limit on parameters


@dataclass(frozen=True)
class EndReason:
    code: str
    detail: str  # lazy (gettext_lazy): stream.end_event gives it in the stream's language


KEY_REVOKED = EndReason("key_revoked", gettext_lazy("Your key was revoked."))
KEY_EXPIRED = EndReason("key_expired", gettext_lazy("Your key has expired."))
SIGNED_OUT = EndReason("signed_out", gettext_lazy("You signed out."))
SESSION_ENDED = EndReason(
    "session_ended", gettext_lazy("Your session ended. Enter your key again.")
)
CIRCLE_CLOSED = EndReason(
    "circle_closed", gettext_lazy("The facilitator has closed this circle for now.")
)
CIRCLE_DELETED = EndReason("circle_deleted", gettext_lazy("This circle was deleted."))
ACCESS_REMOVED = EndReason("access_removed", gettext_lazy("Your key no longer opens this circle."))


@dataclass(frozen=True)
class Holder:
    """Who holds a stream, as far as its standing goes."""

    key_id: int
    session_key: str
    circle_id: int
    is_facilitator: bool


@dataclass(frozen=True)
class Facts:
    keys: dict  # key id -> (revoked, expired); a missing key is absent
    sessions: set  # session keys that exist and have not expired
    circles: dict  # circle id -> active; a deleted circle is absent
    memberships: set  # (key id, circle id)


def chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def facts_about(holders):
    """The database's current answer for every holder, in a few queries per CHUNK holders."""
    now = timezone.now()
    key_ids = {h.key_id for h in holders}
    circle_ids = {h.circle_id for h in holders}
    keys, sessions, circles, memberships = {}, set(), {}, set()
    for ids in chunks(key_ids):
        for pk, revoked_at, expires_at in AccessKey.objects.filter(pk__in=ids).values_list(
            "pk", "revoked_at", "expires_at"
        ):
            keys[pk] = (revoked_at is not None, expires_at is not None and expires_at <= now)
        memberships.update(
            AccessKey.circles.through.objects.filter(accesskey_id__in=ids).values_list(
                "accesskey_id", "circle_id"
            )
        )
    for session_keys in chunks({h.session_key for h in holders}):
        sessions.update(
            Session.objects.filter(session_key__in=session_keys, expire_date__gt=now).values_list(
                "session_key", flat=True
            )
        )
    for ids in chunks(circle_ids):
        circles.update(Circle.objects.filter(pk__in=ids).values_list("pk", "active"))
    return Facts(keys, sessions, circles, memberships)


def end_reason(holder, facts, signed_out=False):
    """Why this holder's stream must end now, or None if it may go on."""
    if holder.circle_id not in facts.circles:
        return CIRCLE_DELETED
    revoked, expired = facts.keys.get(holder.key_id, (True, False))
    if revoked:
        return KEY_REVOKED
    if expired:
        return KEY_EXPIRED
    if holder.session_key not in facts.sessions:
        return SIGNED_OUT if signed_out else SESSION_ENDED
    if (holder.key_id, holder.circle_id) not in facts.memberships:
        return ACCESS_REMOVED
    if not holder.is_facilitator and not facts.circles[holder.circle_id]:
        return CIRCLE_CLOSED
    return None


def circles_high_water(circle_ids):
    """circle id -> last_seq, for the circles that still exist."""
    found = {}
    for ids in chunks(circle_ids):
        found.update(Circle.objects.filter(pk__in=ids).values_list("pk", "last_seq"))
    return found
