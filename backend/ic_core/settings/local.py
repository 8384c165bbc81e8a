"""Development on one machine: DEBUG on by default, throwaway secrets while DEBUG is on."""

from .base import *  # noqa: F403
from .env import env, required_secret

DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    # Development-only fallbacks, never used with DEBUG off.
    SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: F405
    KEY_PEPPER = KEY_PEPPER or "dev-only-key-pepper"  # noqa: F405
else:
    SECRET_KEY = required_secret("SECRET_KEY", "it signs sessions and CSRF tokens")
    KEY_PEPPER = required_secret("IC_KEY_PEPPER", "access keys are stored as HMACs keyed with it")
