"""The test suite: fixed throwaway secrets, DEBUG off so errors look as they do in production."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = SECRET_KEY or "test-secret-key-not-for-production-use-0123456789abcdefghijkl"  # noqa: F405
KEY_PEPPER = KEY_PEPPER or "test-key-pepper"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
