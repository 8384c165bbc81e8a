"""What /api/health/ reports about the running code: its version (IC_VERSION, else the git
commit, else the package version) and the build: commit, build time, and the versions of Python,
Django and the database server in use."""

import functools
import platform
import subprocess
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

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


@functools.cache
def build_commit():
    """IC_BUILD_COMMIT (set when the image is built, where there is no .git), else git's."""
    return settings.IC_BUILD_COMMIT or git_commit()


def database_version():
    """ "sqlite 3.40.1" or "postgresql 15.8": the server this process is talking to."""
    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        return f"sqlite {sqlite3.sqlite_version}"
    if vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        return f"postgresql {major}.{rest}"
    return vendor


def build_info():
    return {
        "commit": build_commit(),
        # Empty when running from a source checkout rather than a built image.
        "build_time": settings.IC_BUILD_TIME,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_version(),
    }
