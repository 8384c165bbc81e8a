"""Reading configuration from the environment (django-environ), with helpers of our own.

`secret()` also reads NAME_FILE, so Docker secrets and files under /etc/inquirycircle work
without putting a secret in the environment. A value that cannot be read (`IC_WORKERS=two`) is
an ImproperlyConfigured that names the variable and what it accepts; manage.py and gunicorn
print that one sentence and refuse to start (ic_core.startup.settings_or_exit).
"""

import ipaddress
import os
from pathlib import Path

import environ
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

EXPECTED = {int: "a whole number", float: "a number", bool: "true or false (or 1 or 0)"}
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


BOOLEAN_FALSE_STRINGS = ("false", "off", "n", "no", "0", "")

# What a secret must at least be. The example files' values (compose/inquirycircle.env.example,
# backend/.env.example, the docs) and the image build's old throwaway start with one of these.
PLACEHOLDER_PREFIXES = ("change-me", "replace-", "example", "collectstatic-only")
SECRET_MIN_LENGTH = 32
# A random 32-character hex string has at least 8 different characters (about 14 on average).
SECRET_MIN_DISTINCT = 8
HOW_TO_MAKE_ONE = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


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

    def positive_int(self, var, default):
        """A whole number of 1 or more: 0 or less would quietly switch what it bounds off."""
        value = self.int(var, default=default)
        if value < 1:
            raise ImproperlyConfigured(
                f"{var}={os.environ.get(var, '')!r} is not a whole number of 1 or more. "
                f"Set {var} to 1 or more; see backend/.env.example."
            )
        return value

    def networks(self, var, default):
        """A comma-separated list of IP addresses and networks (CIDR), as network strings:
        `127.0.0.1, 10.203.0.0/24` is ["127.0.0.1/32", "10.203.0.0/24"]."""
        networks = []
        for entry in self.list(var, default=default):
            try:
                networks.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
            except ValueError as exc:
                raise ImproperlyConfigured(
                    f"{var} holds {entry.strip()!r}, which is not an IP address or network. "
                    f"Set {var} to addresses or networks separated by commas (127.0.0.1, "
                    "10.203.0.0/24); see backend/.env.example."
                ) from exc
        return networks


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
    """The value of NAME, or the contents of the file NAME_FILE names (a Docker secret), or
    default. Both at once is refused: which one counts would be a guess."""
    path = env.str(f"{name}_FILE", default="")
    if not path:
        return env.str(name, default=default)
    if os.environ.get(name):
        raise ImproperlyConfigured(
            f"{name} and {name}_FILE are both set. Keep only {name}_FILE, so that the value is "
            f"not in the environment (docker inspect shows it); see backend/.env.example."
        )
    try:
        value = Path(path).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}_FILE={path} cannot be read ({exc.strerror or exc}). It must be a file this "
            "process can read (in a container: a path inside it, such as /run/secrets/...)."
        ) from exc
    if not value:
        raise ImproperlyConfigured(f"{name}_FILE={path} is empty. Write the value of {name} in it.")
    return value


def weakness(value):
    """Why value cannot be a secret (a phrase for a sentence), or None if it can."""
    lowered = value.strip().lower()
    for prefix in PLACEHOLDER_PREFIXES:
        if lowered.startswith(prefix):
            return f"is a placeholder from an example file (it starts with {prefix!r})"
    if len(value) < SECRET_MIN_LENGTH:
        return (
            f"is too short to be a secret ({len(value)} characters, at least {SECRET_MIN_LENGTH})"
        )
    if len(set(value)) < SECRET_MIN_DISTINCT:
        return (
            f"has too little variety to be a secret ({len(set(value))} different characters, "
            f"at least {SECRET_MIN_DISTINCT})"
        )
    return None


def required_secret(name, purpose):
    """A secret that production cannot start without: stop with a message that says why, and
    refuse the example files' placeholders and values too short or plain to be secrets."""
    value = secret(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. It is required when DEBUG is off ({purpose}). "
            f"Set {name} or {name}_FILE in the environment; see backend/.env.example."
        )
    problem = weakness(value)
    if problem:
        raise ImproperlyConfigured(
            f"{name} {problem}, and it is required when DEBUG is off ({purpose}). "
            f"Make one with {HOW_TO_MAKE_ONE} and set {name}_FILE (or {name}) to it."
        )
    return value


# `manage.py check --deploy` warns about a weak key pepper as Django's security.W009 does about a
# weak SECRET_KEY (with DEBUG off, production settings do not even start with one).
# https://docs.djangoproject.com/en/5.2/ref/checks/#security
@register(Tags.security, deploy=True)
def check_key_pepper(app_configs, **kwargs):
    from django.conf import settings

    pepper = getattr(settings, "KEY_PEPPER", None)
    problem = weakness(pepper) if pepper else "is not set"
    if problem is None:
        return []
    return [
        CheckWarning(
            f"IC_KEY_PEPPER {problem}. Access keys are stored as HMACs keyed with it: generate a "
            f"long random value with {HOW_TO_MAKE_ONE} before any key is issued (changing it later "
            "invalidates every key).",
            id="ic_core.W001",
        )
    ]
