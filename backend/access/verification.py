"""Checking a typed key: one indexed lookup by prefix, then a constant-time hash comparison."""

from django.utils import timezone

from .keys import MalformedKey, hashes_match, key_prefix, normalize_key
from .models import AccessKey


def find_usable_key(typed):
    """The usable key matching what was typed, or None (unknown, revoked, expired, malformed)."""
    try:
        canonical = normalize_key(typed)
    except MalformedKey:
        return None
    now = timezone.now()
    for candidate in AccessKey.objects.filter(prefix=key_prefix(canonical)):
        if hashes_match(candidate.key_hash, canonical):
            return candidate if candidate.is_usable(now) else None
    return None
