"""Starting with a bad setting: one sentence that names it, no traceback, and no start."""

import sys

from django.core.exceptions import ImproperlyConfigured

EXIT_BAD_CONFIGURATION = 2


def refuse(error):
    sys.stderr.write(f"InquiryCircle cannot start: {error}\n")
    raise SystemExit(EXIT_BAD_CONFIGURATION)


def settings_or_exit():
    """Loads the settings module; a bad setting ends the process with its sentence (exit 2)."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading one setting loads them all)
    except ImproperlyConfigured as error:
        refuse(error)
