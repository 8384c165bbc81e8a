"""The secret in a calendar subscribe link: 256 random bits, and the keyed hash that is all
the database keeps of it (HMAC-SHA256 with the access keys' pepper, as access.keys does, under
a purpose of its own). A token this long cannot be guessed, so the link needs no attempt
counter; it is never an access key, and an access key cannot be made from it."""

import hashlib
import hmac
import re
import secrets

from django.conf import settings

TOKEN_BYTES = 32
# token_urlsafe's alphabet; anything else cannot be a token and is not looked up.
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
PURPOSE = b"inquirycircle.rhythm.calendar-link:"


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token):
    pepper = settings.KEY_PEPPER.encode()
    return hmac.new(pepper, PURPOSE + token.encode(), hashlib.sha256).hexdigest()


def looks_like_a_token(text):
    return isinstance(text, str) and TOKEN.fullmatch(text) is not None
