"""How many keys a client may try: OWASP's device cookies, counted atomically in the database.

A browser that has signed in with a key before carries a signed device cookie (`ic_device`,
sent only to /api/auth/) and has an attempt budget of its own. Anyone else shares the budget
of their address. So a room behind one address (a venue's Wi-Fi, a carrier's NAT) is not locked
out by a stranger's typos: its members' browsers come back with their device cookies, while
strangers at that address are slowed.
https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies

Each attempt is counted before the key is looked at (one atomic UPDATE ... count + 1 on the
client's counter for the current window), and only attempts within the budget are evaluated:
a parallel burst cannot slip past the limit. A right key, or a request refused before any key
was looked at, gives its attempt back. Windows are fixed (IC_KEY_FAILURE_WINDOW seconds).
"""

import math
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import AttemptCounter

DEVICE_COOKIE = "ic_device"
DEVICE_COOKIE_PATH = "/api/auth/"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
DEVICE_SALT = "inquirycircle.access.device"


def device_of(request):
    """The device id of a valid device cookie, or None (none, forged, or too old)."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        return signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None


def remember_device(response, request):
    """Gives a browser that just signed in its device cookie (once; it keeps its id)."""
    device = device_of(request) or secrets.token_urlsafe(16)
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(device, salt=DEVICE_SALT),
        max_age=DEVICE_COOKIE_AGE,
        path=DEVICE_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class KeyAttempts:
    """The attempt budget of whoever sends this request: its device's, else its address's."""

    def __init__(self, request):
        self.limit = settings.KEY_FAILURE_LIMIT
        self.window = settings.KEY_FAILURE_WINDOW
        self.device = device_of(request)
        client = f"device:{self.device}" if self.device else f"address:{client_address(request)}"
        self.now = time.time()
        start = self.now - self.now % self.window if self.window > 0 else self.now
        self.window_ends = start + max(self.window, 0)
        self.bucket = f"{client}:{int(start)}"

    def reserve(self):
        """Counts this attempt; True if it is within the budget and may be evaluated."""
        if self.window <= 0:
            return True
        with transaction.atomic():
            counter = AttemptCounter.objects.filter(bucket=self.bucket)
            if not counter.update(count=F("count") + 1):
                self._start_counter()
            return counter.values_list("count", flat=True).get() <= self.limit

    def _start_counter(self):
        ends = datetime.fromtimestamp(self.window_ends, tz=UTC)
        try:
            with transaction.atomic():
                AttemptCounter.objects.create(bucket=self.bucket, count=1, window_ends_at=ends)
        except IntegrityError:  # another attempt made it first: count on it
            AttemptCounter.objects.filter(bucket=self.bucket).update(count=F("count") + 1)
            return
        # Once per client and window: forget the windows that have ended.
        AttemptCounter.objects.filter(window_ends_at__lt=datetime.now(tz=UTC)).delete()

    def give_back(self):
        """The attempt does not count: the key was right, or no key was looked at."""
        if self.window > 0:
            AttemptCounter.objects.filter(bucket=self.bucket, count__gt=0).update(
                count=F("count") - 1
            )

    def wait(self):
        """Seconds until this client's budget is new again."""
        return max(1, math.ceil(self.window_ends - time.time()))


def client_address(request):
    # ic_core.middleware.TrustedProxyMiddleware has put the real client in REMOTE_ADDR (taken
    # from X-Forwarded-For only when the peer is a trusted proxy).
    return request.META.get("REMOTE_ADDR", "")
