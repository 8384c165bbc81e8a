"""Access key format: generation, normalisation of what people type, and the keyed hash.

A key is 16 Crockford base32 characters (80 random bits) shown in groups of four,
like K7QF-M2ZD-9XHC-R4TB. The first group is a non-secret prefix used to find the key
and to name it to operators; the other 60 bits stay secret. Only HMAC-SHA256(pepper, key)
is stored. Random keys of this size need no slow password hash.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
KEY_LENGTH = 16
GROUP = 4
PREFIX_LENGTH = 4
ENTROPY_BITS = KEY_LENGTH * 5
MAX_TYPED_LENGTH = 64

# Crockford's decoding rules: letters people confuse with digits read as those digits.
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-]+")  # any whitespace (a pasted key may hold no-break spaces)


class MalformedKey(ValueError):
    """What was typed cannot be a key (wrong length or characters)."""


def generate_key():
    """A new key in its display form, e.g. K7QF-M2ZD-9XHC-R4TB."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(KEY_LENGTH))
    return format_key(raw)


def format_key(raw):
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def canonical_chars(typed):
    """What was typed, read as Crockford base32: upper case, no separators, I/L/O as digits."""
    return _SEPARATORS.sub("", typed.upper()).translate(_CONFUSABLE)


def normalize_key(typed):
    """The canonical 16 characters of a typed key: any case, dashes and spaces ignored."""
    canonical = canonical_chars(typed)
    if len(canonical) != KEY_LENGTH or any(c not in ALPHABET for c in canonical):
        raise MalformedKey(typed)
    return canonical


def key_prefix(canonical):
    return canonical[:PREFIX_LENGTH]


def key_hash(canonical):
    pepper = settings.KEY_PEPPER.encode()
    return hmac.new(pepper, canonical.encode(), hashlib.sha256).hexdigest()


def hashes_match(stored_hash, canonical):
    return hmac.compare_digest(stored_hash, key_hash(canonical))
