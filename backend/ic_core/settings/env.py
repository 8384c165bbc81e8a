"""Reading configuration from the environment (django-environ), with helpers of our own.

`secret()` also reads NAME_FILE, so Docker secrets and files under /etc/inquirycircle work
without putting a secret in the environment. A value that cannot be read (`IC_WORKERS=two`) is
an ImproperlyConfigured that names the variable and what it accepts; manage.py and gunicorn
print that one sentence and refuse to start (ic_core.commands.refuse_bad_configuration).
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

EXPECTED = {int: "a whole number", float: "a number", bool: "true or false (or 1 or 0)"}
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


BOOLEAN_FALSE_STRINGS = ("false", "off", "n", "no", "0", "")


class Env(environ.Env):
    @classmethod
    def parse_value(cls, value, cast):
        # django-environ reads any unknown word as False: DEBUG=ture would quietly mean off.
        if cast is bool and isinstance(value, str):
            word = value.strip().lower()
            if word not in cls.BOOLEAN_TRUE_STRINGS and word not in BOOLEAN_FALSE_STRINGS:
                raise ValueError(value)
        return super().parse_value(value, cast)

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as exc:
            expected = EXPECTED.get(cast, "a valid value")
            raise ImproperlyConfigured(
                f"{var}={os.environ.get(var, '')!r} is not {expected}. "
                f"Set {var} to {expected}; see backend/.env.example."
            ) from exc


env = Env()


def log_level(name="IC_LOG_LEVEL", default="info"):
    """A log level in any case (gunicorn spells them in lower case), as logging's upper case."""
    value = env.str(name, default=default)
    if value.strip().lower() not in LOG_LEVELS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a log level. Use one of {', '.join(LOG_LEVELS)} "
            "(any case); see backend/.env.example."
        )
    return value.strip().upper()


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
