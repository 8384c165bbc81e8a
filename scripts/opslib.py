"""What scripts/status.py and scripts/snapshot.py share: running commands, `docker compose` on
the deployment's files, and asking the backend's health endpoint. Standard library only: these
run on a server with nothing but Python 3 and Docker."""

import argparse
import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
PROD_COMPOSE = REPO_DIR / "compose" / "docker-compose.prod.yml"


def run(*command, timeout=30):
    """(exit code, stdout); a missing program is exit code 127, as in a shell."""
    if shutil.which(command[0]) is None:
        return 127, ""
    try:
        # The commands are this script's own (docker, git, caddy), never user input.
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return 124, ""
    return result.returncode, result.stdout.strip()


class Compose:
    """`docker compose` on the given files (default: the production file), as an operator
    would type it in the repository's folder."""

    def __init__(self, files=None, env_file=None, project=None):
        self.base = ["docker", "compose"]
        for file in files or [PROD_COMPOSE]:
            self.base += ["-f", str(file)]
        if env_file:
            self.base += ["--env-file", str(env_file)]
        if project:
            self.base += ["--project-name", project]

    def run(self, *args, timeout=60):
        return run(*self.base, *args, timeout=timeout)

    def services(self):
        """[{service, state, health, exit_code, image}] of every container, running or not."""
        code, out = self.run("ps", "--all", "--format", "json")
        if code != 0:
            return None
        rows = []
        for line in out.splitlines():
            for row in json.loads(line) if line.startswith("[") else [json.loads(line)]:
                rows.append(
                    {
                        "service": row["Service"],
                        "state": row["State"],
                        "health": row.get("Health") or "",
                        "exit_code": row.get("ExitCode"),
                        "image": row.get("Image", ""),
                    }
                )
        return sorted(rows, key=lambda row: row["service"])

    def backend_json(self, *python_args):
        """Run Python in the backend container; its stdout parsed as JSON (None if it failed)."""
        code, out = self.run("exec", "-T", "backend", "python3", *python_args)
        if code != 0 or not out:
            return None
        try:
            return json.loads(out)
        except json.JSONDecodeError:
            return None


def parser_with_compose_options(description):
    """An argument parser with the options every ops script shares: which compose project to
    look at (-f, --env-file, --project-name) and --json."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-f", "--file", action="append", help="compose file (default: prod)")
    parser.add_argument("--env-file", help="compose --env-file")
    parser.add_argument("--project-name", help="compose project name")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def compose_from(options):
    return Compose(options.file, options.env_file, options.project_name)


def get_json(url, timeout=5):
    """(HTTP status, parsed body) of a GET; (None, reason) when nothing answered."""
    if not url.startswith(("http://", "https://")):
        return None, f"not an http(s) address: {url}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (checked)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read())
        except json.JSONDecodeError:
            return error.code, {}
    except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
        return None, str(getattr(error, "reason", error))


HEALTH_FROM_INSIDE = (
    "-c",
    "import json, urllib.request; "
    "print(urllib.request.urlopen('http://127.0.0.1:8000/api/health/', timeout=5).read().decode())",
)
