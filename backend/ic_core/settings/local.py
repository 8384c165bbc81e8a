"""Development on one machine: DEBUG on by default, throwaway secrets when none are set."""

from .base import *  # noqa: F403
from .env import env

DEBUG = env.bool("DEBUG", default=True)
# Development-only fallbacks: production.py refuses to start without real values.
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: F405
KEY_PEPPER = KEY_PEPPER or "dev-only-key-pepper"  # noqa: F405
