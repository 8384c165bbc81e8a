"""The version /api/health/ reports: IC_VERSION, else the git commit, else the package version."""

import functools
import subprocess
from pathlib import Path

from django.conf import settings

from . import __version__

REPO_DIR = Path(__file__).resolve().parents[2]


def git_commit():
    try:
        result = subprocess.run(
            ["git", "-C", str(REPO_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


@functools.cache
def current_version():
    return settings.IC_VERSION or git_commit() or __version__
