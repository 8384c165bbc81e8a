"""Steps about what an operator runs on the server: backups and restores (manage.py, in the
backend's environment: a local process or the container), `make status`, `make snapshot`, logs."""

import json
import os
import secrets
import shlex
import subprocess
import sys
import time

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from acceptance.stack import REPO_DIR
from acceptance.steps.container_steps import compose_runtime
from support import modes, postgres
from support.live_backend import BACKEND_DIR


@given("the operator backs up the database with backup_db", target_fixture="backup")
@when("the operator backs up the database with backup_db", target_fixture="backup")
def backs_up(stack):
    runtime = stack.started("A backup")
    return stack.manage("backup_db", "--dir", str(runtime.backup_dir), "--json")


@when("the operator restores that backup with restore_db", target_fixture="restore")
def restores(stack, backup):
    runtime = stack.started("A restore")
    return stack.manage(
        "restore_db", backup["file"], "--yes", "--dir", str(runtime.backup_dir), "--json"
    )


@then(parsers.parse('the circle\'s messages through the API do not include "{text}"'))
def messages_exclude(stack, key_session, text):
    response = key_session.http.get("/api/messages/", params={"circle": stack.circle})
    assert response.status_code == 200, response.text
    bodies = [message["body"] for message in response.json()["results"]]
    assert text not in bodies, f"{text!r} is still there after the restore"


@then("list_backups lists that backup and the safety copy restore_db made first")
def backups_listed(stack, backup):
    runtime = stack.started("Listing backups")
    listing = stack.manage("list_backups", "--dir", str(runtime.backup_dir), "--json")
    files = {entry["file"]: entry for entry in listing["backups"]}
    assert backup["file"] in files, sorted(files)
    safety = [entry for entry in listing["backups"] if entry["pre_restore"]]
    assert len(safety) == 1, listing


# make status and make snapshot


def run_make(target, variable, args):
    """`make <target> <variable>="<args>"`, as an operator types it in the repository."""
    return subprocess.run(
        ["make", "--no-print-directory", target, f"{variable}={shlex.join(args)}"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@when("the operator runs make status for the stack", target_fixture="status")
def runs_status(stack):
    args = [*compose_runtime(stack).script_args(), "--url", stack.base_url, "--json"]
    result = run_make("status", "STATUS_ARGS", args)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"make status printed no JSON ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return {"code": result.returncode, "report": report}


@then("it exits 0")
def status_exits_0(status):
    assert status["code"] == 0, json.dumps(status["report"], indent=2)


@then(
    parsers.parse(
        "it reports the containers {names} running and healthy, and {one_shot} exited 0 once it "
        "published the app"
    )
)
def status_containers(status, names, one_shot):
    services = {row["service"]: row for row in status["report"]["containers"]["details"]}
    for name in names.replace(" and ", ", ").split(", "):
        assert (services[name]["state"], services[name]["health"]) == ("running", "healthy")
    assert (services[one_shot]["state"], services[one_shot]["exit_code"]) == ("exited", 0)


@then("it reports the health endpoint ok, inside the backend and through Caddy")
def status_health(status):
    health = status["report"]["health"]["details"]
    assert health["backend"]["status"] == "ok", health
    assert health["through_caddy"]["status"] == 200, health
    assert health["through_caddy"]["body"]["status"] == "ok", health


@then("it reports the disk left for the database and for the backups")
def status_disk(status):
    disk = status["report"]["disk"]["details"]
    assert disk["database"][0] == "/data" and disk["database"][1] > 0, disk
    assert disk["backups"][0] == "/data/backups" and disk["backups"][1] > 0, disk


@then("it reports the last backup, made less than an hour ago")
def status_last_backup(status, backup):
    newest = status["report"]["last_backup"]["details"]["newest"]
    assert newest["file"] == backup["file"], newest
    assert 0 <= newest["age_seconds"] < 3600, newest


# logs


@when(
    "I ask for /api/health/ with a marker in the query and a CSRF token header",
    target_fixture="marker",
)
def health_with_marker(stack):
    marker = secrets.token_hex(8)
    response = httpx.get(
        f"{stack.base_url}/api/health/?marker={marker}",
        headers={"User-Agent": f"acceptance-{marker}", "X-CSRFToken": f"csrf-{marker}"},
        timeout=10,
    )
    assert response.status_code == 200
    return marker


def backend_log_records(stack):
    logs = compose_runtime(stack).command("logs", "--no-color", "--no-log-prefix", "backend")
    lines = [line for line in logs.stdout.splitlines() if line.strip()]
    assert lines, "the backend wrote no log"
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not JSON: {line}")
    return lines, records


@then("the backend container's log is JSON, one object per line")
def backend_log_json(stack):
    _, records = backend_log_records(stack)
    for record in records:
        assert {"time", "level", "logger", "message"} <= set(record), record


@then(
    "the backend logged that request once, without its query string, with the client's address "
    "rather than Caddy's"
)
def backend_log_of_the_request(stack, marker):
    deadline = time.monotonic() + 5
    while True:
        lines, records = backend_log_records(stack)
        health = [
            r
            for r in records
            if r.get("logger") == "ic.request" and r.get("path") == "/api/health/"
        ]
        if health or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not [line for line in lines if marker in line], "the query string reached the log"
    caddy = compose_runtime(stack).container_address("caddy")
    # Container health checks come from 127.0.0.1; the request from outside came through Caddy.
    outside = [r for r in health if r["client"] not in ("127.0.0.1", "::1")]
    assert outside, health[-5:]
    assert all(r["client"] != caddy for r in outside), (caddy, outside[-3:])
    # One line per request: uvicorn's own access line (with the query string) is off.
    assert not [r for r in records if r.get("logger", "").startswith("uvicorn.access")]


@then(
    "Caddy's access log has a JSON line for that request, without its query string or the CSRF "
    "token"
)
def caddy_access_log(stack, marker):
    log = compose_runtime(stack).caddy_access_log
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in reversed(log.read_text().splitlines() if log.exists() else []):
            record = json.loads(line)
            agent = record["request"].get("headers", {}).get("User-Agent", [""])[0]
            if agent == f"acceptance-{marker}":
                assert record["request"]["uri"] == "/api/health/"
                assert record["status"] == 200
                assert f"csrf-{marker}" not in line
                assert marker not in line.replace(f"acceptance-{marker}", "")
                return
        time.sleep(0.2)
    pytest.fail(f"no access log line for the request marked {marker} in {log}")


# PostgreSQL: the move from SQLite


@pytest.fixture
def postgres_database():
    """A fresh database on the test PostgreSQL server (IC_TEST_POSTGRES_URL), dropped after."""
    server = postgres.server_url()
    why = modes.postgres_unavailable(server)
    if why:
        pytest.fail(why, pytrace=False)
    url = postgres.create_database(server, prefix="ic_copy")
    yield url
    postgres.drop_database(url)


def manage_on(database_url, *args):
    """manage.py against the given database (test settings), output parsed with --json."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ic_core.settings.test",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-1500:]}"
    return json.loads(result.stdout) if "--json" in args else result.stdout


POST = (
    "from access.models import AccessKey; from circles.models import Circle; "
    "from facilitation.actions import post_message; "
    "circle = Circle.objects.get(slug={slug!r}); "
    "author = AccessKey.objects.filter(role='facilitator', circles=circle).first(); "
    "print([post_message(circle, author, 'announcement', f'Message {{n}}').seq "
    "for n in range({count})][-1])"
)


@given(
    parsers.parse("a SQLite database with the demo circle, its keys and {count:d} messages"),
    target_fixture="sqlite_source",
)
def sqlite_source(tmp_path, count):
    url = f"sqlite:///{tmp_path / 'source.db'}"
    manage_on(url, "migrate", "--noinput")
    demo = manage_on(url, "seed_demo", "--json")
    manage_on(url, "shell", "-c", POST.format(slug=demo["circle"], count=count))
    return {"url": url, "circle": demo["circle"], "messages": count}


@when("copy_database copies it into a fresh, migrated PostgreSQL database", target_fixture="copied")
def copy_into_postgres(sqlite_source, postgres_database):
    manage_on(postgres_database, "migrate", "--noinput")
    report = manage_on(postgres_database, "copy_database", "--from", sqlite_source["url"], "--json")
    return {"report": report, "url": postgres_database}


@then("it reports every table's rows copied and matching")
def copy_matches(copied, sqlite_source):
    report = copied["report"]
    assert report["matches"], report
    tables = {table["table"]: table for table in report["tables"]}
    for table in tables.values():
        assert table["source_rows"] == table["target_rows"] and table["matches"], table
    assert tables["facilitation_message"]["target_rows"] == sqlite_source["messages"]
    assert tables["access_accesskey"]["target_rows"] == 4  # seed_demo: 1 facilitator + 3


@then("a message posted afterwards on PostgreSQL gets the next number")
def next_number(copied, sqlite_source):
    script = POST.format(slug=sqlite_source["circle"], count=1)
    seq = manage_on(copied["url"], "shell", "-c", script).strip().splitlines()[-1]
    assert seq == str(sqlite_source["messages"] + 1), seq
