#!/usr/bin/env python3
"""`make snapshot`: what exactly is running, for a bug report or a handoff.

Reports the git commit of this checkout, and from the running backend (its /api/health/ build
fields) the commit and build time of its image and the versions of Python, Django and the
database; the versions of Caddy (in the caddy container when the stack runs, and on this host),
Node (which builds the SPA) and the images in use. --json prints one JSON object.

  python3 scripts/snapshot.py                      # the production compose stack
  python3 scripts/snapshot.py --url http://127.0.0.1:8080
"""

import json
import sys

from opslib import (
    HEALTH_FROM_INSIDE,
    REPO_DIR,
    compose_from,
    get_json,
    parser_with_compose_options,
    run,
)


def git():
    code, commit = run("git", "-C", str(REPO_DIR), "rev-parse", "HEAD")
    if code != 0:
        return {"commit": None}
    _, changes = run("git", "-C", str(REPO_DIR), "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "modified_files": len(changes.splitlines())}


def backend_build(compose, url):
    """The running backend's health answer: through --url, else inside its container."""
    if url:
        status, body = get_json(f"{url.rstrip('/')}/api/health/")
        source = f"{url.rstrip('/')}/api/health/"
    else:
        body = compose.backend_json(*HEALTH_FROM_INSIDE)
        status, source = (200 if body else None), "the backend container"
    if not isinstance(body, dict) or "build" not in body:
        return {"source": source, "error": f"no health answer ({status}: {body})"}
    return {"source": source, "version": body.get("version"), **body["build"]}


def first_word_version(output):
    """ "v2.6.2 h1:..." -> "2.6.2"; "v20.19.5" -> "20.19.5"."""
    return output.split()[0].lstrip("v") if output else None


def caddy(compose):
    _, host = run("caddy", "version")
    code, in_container = compose.run("exec", "-T", "caddy", "caddy", "version")
    return {
        "container": first_word_version(in_container) if code == 0 else None,
        "host": first_word_version(host),
    }


def node():
    _, version = run("node", "--version")
    return first_word_version(version)


def images(compose):
    """The images of the running containers, with their IDs and creation times."""
    services = compose.services() or []
    found = []
    for row in services:
        code, out = run(
            "docker", "image", "inspect", "--format", "{{.Id}} {{.Created}}", row["image"]
        )
        image_id, created = out.split(" ", 1) if code == 0 and out else (None, None)
        found.append(
            {"service": row["service"], "image": row["image"], "id": image_id, "created": created}
        )
    return found


def main(argv=None):
    parser = parser_with_compose_options(__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="ask this address's /api/health/ for the backend's build")
    options = parser.parse_args(argv)
    compose = compose_from(options)
    snapshot = {
        "checkout": git(),
        "backend": backend_build(compose, options.url),
        "caddy": caddy(compose),
        "node": node(),
        "images": images(compose),
    }
    if options.json:
        print(json.dumps(snapshot, indent=2))
        return 0
    backend = snapshot["backend"]
    print(f"checkout          {snapshot['checkout']['commit']}")
    for key in ("version", "commit", "build_time", "python", "django", "database"):
        print(f"backend {key:<10}{backend.get(key) or backend.get('error', '')}")
    versions = snapshot["caddy"]
    print(f"caddy             container {versions['container']}, host {versions['host']}")
    print(f"node              {snapshot['node']}")
    for image in snapshot["images"]:
        print(f"image {image['service']:<12}{image['image']} {image['id']} {image['created']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
