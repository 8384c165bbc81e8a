"""The test suite: fixed throwaway secrets, DEBUG off so errors look as they do in production."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, KEY_PEPPER, SECRET_KEY

DEBUG = False
SECRET_KEY = SECRET_KEY or "test-secret-key-not-for-production-use-0123456789abcdefghijkl"
KEY_PEPPER = KEY_PEPPER or "test-key-pepper"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Django's test database for SQLite is in memory by default, where connections share one cache
# and lock whole tables: the live reader's thread (live.feed) would be refused while a test
# writes. A file in WAL mode behaves as production does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    TEST_DATABASE = Path(tempfile.gettempdir()) / f"inquirycircle-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DATABASE)}
