"""Which of the suite's modes this machine can run, decided here and nowhere else.

`make test` (scripts/test.sh) asks before it runs the PostgreSQL and compose modes, and the
conftests ask the same functions before they deselect or fail what needs a server or an engine:
one answer, one sentence saying why. Run as a script it prints the answer for one mode:

    python3 tests/support/modes.py postgres   # exit 0: it can run; else exit 1 and why
    python3 tests/support/modes.py compose

Only the standard library here (scripts/test.sh runs it before any virtualenv exists); with
psycopg installed the PostgreSQL check also logs in, without it pg_isready says whether the
server answers.
"""

import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `support` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import postgres


def _run(*command, timeout=30):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 1, "", f"no answer within {timeout} s")


def postgres_unavailable(url=None):
    """Why the PostgreSQL mode cannot run against url (default: the test server), or None."""
    url = url or postgres.server_url()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if shutil.which("pg_isready") is None:
            return "there is no pg_isready command to find a server (apt-get install postgresql)"
        if _run("pg_isready", "-q", "-d", url, "-t", "3").returncode != 0:
            return (
                f"no PostgreSQL server answers at {postgres.describe(url)} (start one as "
                ".ci/run does, or set IC_TEST_POSTGRES_URL)"
            )
        return None
    return postgres.unreachable(url)


def engine_unavailable():
    """Why the compose mode cannot run here (no Docker engine or compose plugin), or None."""
    if shutil.which("docker") is None:
        return "there is no docker command (apt-get install docker.io)"
    info = _run("docker", "info", "--format", "{{.ServerVersion}}")
    if info.returncode != 0:
        return (
            "the Docker engine is not running or not reachable at /var/run/docker.sock "
            f"(start dockerd): {info.stderr.strip()[-300:]}"
        )
    return None


def engine_version():
    return _run("docker", "info", "--format", "{{.ServerVersion}}").stdout.strip()


CHECKS = {"postgres": postgres_unavailable, "compose": engine_unavailable}


def main(argv):
    if len(argv) != 1 or argv[0] not in CHECKS:
        print(f"usage: modes.py {{{'|'.join(CHECKS)}}}", file=sys.stderr)
        return 2
    why = CHECKS[argv[0]]()
    if why:
        print(why)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
