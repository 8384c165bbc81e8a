"""Reading configuration from the environment (django-environ), with two helpers of our own.

`secret()` also reads NAME_FILE, so Docker secrets and files under /etc/inquirycircle work
without putting a secret in the environment.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def secret(name, default=None):
    """The value of NAME, or the contents of the file NAME_FILE names, or default."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return env.str(name, default=default)


def required_secret(name, purpose):
    """A secret that production cannot start without: stop with a message that says why."""
    value = secret(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. It is required when DEBUG is off ({purpose}). "
            f"Set {name} or {name}_FILE in the environment; see backend/.env.example."
        )
    return value
