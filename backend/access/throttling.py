"""Failed key submissions per client address, counted in the shared cache.

DRF's SimpleRateThrottle counts every request; here only failures count, so a person who
types their key right is never slowed down. The history lives in the database cache, which
every worker process shares.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class FailedKeyAttempts(SimpleRateThrottle):
    scope = "failed_key_attempts"

    def __init__(self, request):
        self.num_requests = settings.KEY_FAILURE_LIMIT
        self.duration = settings.KEY_FAILURE_WINDOW
        self.key = self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]

    def is_blocked(self):
        return len(self.history) >= self.num_requests

    def wait(self):
        """Seconds until one more attempt is allowed: until enough old failures age out."""
        blocking = self.history[self.num_requests - 1]
        return max(1, blocking + self.duration - self.now)

    def record_failure(self):
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
