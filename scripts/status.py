#!/usr/bin/env python3
"""`make status`: is the deployment well? Run on the server, in the repository's folder.

Prints each container's state and health, the backend's health endpoint (from inside the backend
container, and through Caddy with --url), the disk left where the database and the backups live,
and the age of the last backup. Exits 1 when something needs an operator: caddy or the backend
not running or not healthy, the frontend (which publishes the app and exits) not exited 0, the
health endpoint not ok, less than --min-free-mb left, or no backup newer than --max-backup-age
hours. --json prints the same as one JSON object.

  python3 scripts/status.py --url https://catbench.com
  python3 scripts/status.py -f compose/docker-compose.dev.yml --url http://127.0.0.1:8080
"""

import json
import sys

from opslib import HEALTH_FROM_INSIDE, compose_from, get_json, parser_with_compose_options

SERVICES = ("backend", "caddy")
# One-shots: done once they exited 0. frontend publishes the app into the volume Caddy serves;
# migrate (docker-compose.postgres.yml) is checked when the stack has it.
ONE_SHOTS = ("frontend",)
OPTIONAL_ONE_SHOTS = ("migrate",)
STORAGE_FROM_INSIDE = (
    "-c",
    "import json, os, shutil\n"
    "from urllib.parse import urlparse\n"
    "def free(path):\n"
    "    while not os.path.exists(path): path = os.path.dirname(path)\n"
    "    return shutil.disk_usage(path).free\n"
    "url = os.environ.get('DATABASE_URL', 'sqlite:////data/x')\n"
    "backups = os.environ.get('IC_BACKUP_DIR', '/data/backups')\n"
    "found = {'backups': [backups, free(backups)]}\n"
    "if url.startswith('sqlite'):  # a database server (PostgreSQL) keeps its own disk\n"
    "    folder = os.path.dirname('/' + urlparse(url).path.lstrip('/'))\n"
    "    found['database'] = [folder, free(folder)]\n"
    "print(json.dumps(found))",
)


def check_containers(compose):
    services = compose.services()
    if services is None:
        return False, ["containers: `docker compose ps` failed (is the Docker engine running?)"], []
    found = {row["service"]: row for row in services}
    ok, lines = True, []
    for name in SERVICES:
        row = found.get(name)
        healthy = row is not None and row["state"] == "running" and row["health"] in ("healthy", "")
        ok &= healthy
        state = f"{row['state']} {row['health']}".strip() if row else "no container"
        lines.append(f"{mark(healthy)} container {name}: {state}")
    for name in ONE_SHOTS + tuple(n for n in OPTIONAL_ONE_SHOTS if n in found):
        row = found.get(name)
        done = row is not None and row["state"] == "exited" and row["exit_code"] == 0
        ok &= done
        state = f"{row['state']} {row['exit_code']}" if row else "no container"
        lines.append(f"{mark(done)} container {name} (runs once): {state}")
    return ok, lines, services


def check_health(compose, url):
    ok, lines, report = True, [], {}
    inside = compose.backend_json(*HEALTH_FROM_INSIDE)
    inside_ok = bool(inside) and inside.get("status") == "ok"
    ok &= inside_ok
    report["backend"] = inside
    lines.append(f"{mark(inside_ok)} health, inside the backend: {summary(inside)}")
    if url:
        status, body = get_json(f"{url.rstrip('/')}/api/health/")
        through_ok = status == 200 and isinstance(body, dict) and body.get("status") == "ok"
        ok &= through_ok
        report["through_caddy"] = {"url": url, "status": status, "body": body}
        lines.append(f"{mark(through_ok)} health, through {url}: {status} {summary(body)}")
    return ok, lines, report


def check_storage(compose, min_free_mb):
    storage = compose.backend_json(*STORAGE_FROM_INSIDE)
    if storage is None:
        return False, ["✗ disk: could not ask the backend container"], None
    ok, lines = True, []
    for what, (path, free) in storage.items():
        enough = free >= min_free_mb * 1024 * 1024
        ok &= enough
        lines.append(f"{mark(enough)} disk for the {what} ({path}): {free / 2**30:.1f} GiB free")
    return ok, lines, storage


def check_backups(compose, max_age_hours):
    listing = compose.backend_json("manage.py", "list_backups", "--json")
    if listing is None:
        return False, ["✗ last backup: could not list the backups"], None
    backups = [b for b in listing["backups"] if not b.get("pre_restore")]
    if not backups:
        return False, [f"✗ last backup: none in {listing['directory']}"], listing
    newest = backups[0]
    hours = newest["age_seconds"] / 3600
    fresh = hours <= max_age_hours
    line = f"{mark(fresh)} last backup: {hours:.1f} h ago ({newest['file']}), {len(backups)} kept"
    return fresh, [line], {"newest": newest, "count": len(backups)}


def mark(ok):
    return "✓" if ok else "✗"


def summary(health):
    if not isinstance(health, dict):
        return str(health)
    keys = ("status", "database", "version", "uptime_seconds")
    return " ".join(f"{key}={health.get(key)}" for key in keys if key in health)


def main(argv=None):
    parser = parser_with_compose_options(__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="the public address, to check health through Caddy")
    parser.add_argument("--min-free-mb", type=int, default=1024)
    parser.add_argument("--max-backup-age", type=float, default=26, help="hours (default 26)")
    options = parser.parse_args(argv)
    compose = compose_from(options)

    report, lines, healthy = {}, [], True
    checks = [
        ("containers", lambda: check_containers(compose)),
        ("health", lambda: check_health(compose, options.url)),
        ("disk", lambda: check_storage(compose, options.min_free_mb)),
        ("last_backup", lambda: check_backups(compose, options.max_backup_age)),
    ]
    for name, check in checks:
        ok, check_lines, details = check()
        healthy &= ok
        lines += check_lines
        report[name] = {"ok": ok, "details": details}
    report["ok"] = healthy
    print(json.dumps(report, indent=2) if options.json else "\n".join(lines))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
