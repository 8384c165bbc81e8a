"""Steps about the production compose file's PostgreSQL option (compose/docker-compose.prod.yml
with docker-compose.postgres.yml): a stack of its own, started for the scenario beside the
suite's, with backend replicas behind Caddy's load balancer and Caddyfile.prod's HTTPS."""

import json
import secrets
import time
from contextlib import ExitStack

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from acceptance.stack import REPO_DIR, StackUnavailable, start_production_compose_stack
from acceptance.steps.container_steps import (
    caddy_serves_built_app,
    caddy_serves_frontend_volume,
    frontend_published,
)
from support.live_backend import Session, StreamListener

STREAM_PATH = "/api/messages/stream/"
UPSTREAMS_API = "/reverse_proxy/upstreams"  # Caddy's admin API: each upstream, open requests


@given(
    parsers.parse(
        "the production stack runs with its PostgreSQL option and {replicas:d} backend replicas"
    ),
    target_fixture="replicated",
)
def replicated_stack(request, replicas):
    exit_stack = ExitStack()
    request.addfinalizer(exit_stack.close)

    def failed():
        report = getattr(request.node, "rep_call", None)
        return report is None or report.failed

    try:
        return start_production_compose_stack(exit_stack, REPO_DIR / "reports", failed, replicas)
    except (StackUnavailable, RuntimeError) as error:
        pytest.fail(str(error), pytrace=False)


@then(
    parsers.parse(
        "migrate ran once and exited 0, and the {replicas:d} backend replicas are running "
        "and healthy"
    )
)
def replicas_healthy(replicated, replicas):
    runtime = replicated.runtime
    migrate = runtime.replicas("migrate")
    assert [(state, code) for state, _, code in migrate.values()] == [("exited", 0)], migrate
    backends = runtime.replicas("backend")
    assert len(backends) == replicas, backends
    assert {health[:2] for health in backends.values()} == {("running", "healthy")}, backends


@then("the frontend published the app and exited 0, and Caddy serves its index.html byte for byte")
def production_serves_frontend(replicated):
    runtime = replicated.runtime
    frontend_published(runtime)
    caddy_serves_frontend_volume(runtime)
    with runtime.http_client(timeout=10) as client:
        caddy_serves_built_app(runtime, client)


@then(
    parsers.parse(
        "plain HTTP to {name} is redirected with {status:d} to HTTPS, with HSTS on the HTTPS answer"
    )
)
def production_stack_https(replicated, name, status):
    runtime = replicated.runtime
    with httpx.Client(transport=runtime.transport(), timeout=10) as client:
        redirect = client.get(f"http://{name}:{runtime.port}/circles/demo")
        assert redirect.status_code == status, (redirect.status_code, redirect.headers)
        assert redirect.headers["location"] == f"https://{name}/circles/demo", redirect.headers
    # The certificate for the name, checked against Caddy's root (the transport's context).
    with runtime.http_client() as client:
        answer = client.get("/")
    assert answer.status_code == 200 and '<div id="app"' in answer.text, answer
    assert answer.headers["strict-transport-security"].startswith("max-age="), answer.headers


@then(
    parsers.parse(
        "the postgres service's database has the locale {locale}, as the official image's has"
    )
)
def database_locale(replicated, locale):
    # A volume the official postgres:15 image made has its locale; a server without that
    # locale refuses to open it, so ic-postgres must have it too.
    query = (
        "SELECT datcollate || ' ' || datctype FROM pg_database WHERE datname = current_database()"
    )
    psql = ("psql", "-U", "inquirycircle", "-d", "inquirycircle", "-Atc", query)
    result = replicated.runtime.command("exec", "-T", "postgres", *psql)
    assert result.stdout.split() == [locale, locale], result.stdout


@then(parsers.parse('the health endpoint through Caddy reports the database "{vendor}"'))
def health_reports_database(replicated, vendor):
    with replicated.runtime.http_client() as client:
        answer = client.get("/api/health/", timeout=10)
    assert answer.status_code == 200, answer.text
    health = answer.json()
    assert health["database"] == "ok", health
    assert health["build"]["database"].startswith(f"{vendor} "), health


@when(
    parsers.parse("{count:d} participants listen to the circle's live stream through Caddy"),
    target_fixture="listeners",
)
def listen_through_caddy(request, replicated, count):
    participant = Session(replicated.base_url, replicated.runtime.transport)
    participant.sign_in(replicated.participant_key)
    request.addfinalizer(participant.close)
    listeners = []
    for _ in range(count):
        listener = StreamListener(participant, replicated.circle)
        request.addfinalizer(listener.close)
        assert listener.status_code == 200, listener.response.read()
        listener.session = participant  # one person's browser: every stream on one session
        listeners.append(listener)
    return listeners


def streams_by_replica(runtime):
    """{backend container: streams it opened}, from each replica's own request log."""
    counts = {}
    for container, lines in runtime.logs_by_container("backend").items():
        records = [json.loads(line) for line in lines if line.startswith("{")]
        counts[container] = sum(record.get("path") == STREAM_PATH for record in records)
    return counts


@then(parsers.parse("Caddy spread the {count:d} streams evenly over the {replicas:d} replicas"))
def streams_spread(replicated, listeners, count, replicas):
    runtime = replicated.runtime
    # Caddy's side: its upstreams are the replicas' own addresses (one per DNS answer), each
    # holding its share of the open streams (least_conn). One upstream named `backend`, or
    # streams spread by turns or by chance, would not match.
    addresses = {f"{ip}:8000" for ip in runtime.addresses("backend").values()}
    upstreams = {u["address"]: u["num_requests"] for u in runtime.caddy_admin(UPSTREAMS_API)}
    print(f"Caddy's upstreams and their open requests: {upstreams}")
    assert set(upstreams) == addresses, f"upstreams {upstreams}, replicas {addresses}"
    even = {count // replicas, -(-count // replicas)}
    assert set(upstreams.values()) <= even and sum(upstreams.values()) == count, upstreams
    # The backends' side: each replica logged the streams it opened.
    deadline = time.monotonic() + 10  # log lines reach `docker compose logs` a moment later
    while sum((served := streams_by_replica(runtime)).values()) < count:
        assert time.monotonic() < deadline, f"streams in the replicas' logs: {served}"
        time.sleep(0.5)
    print(f"streams per backend replica, from their logs: {served}")
    assert len(served) == replicas and set(served.values()) <= even, served


@then(
    parsers.parse("a message the facilitator posts through Caddy reaches all {count:d} listeners")
)
def message_reaches_every_listener(request, replicated, listeners, count):
    facilitator = Session(replicated.base_url, replicated.runtime.transport)
    facilitator.sign_in(replicated.facilitator_key)
    request.addfinalizer(facilitator.close)
    posted = facilitator.post_message(replicated.circle, f"To every replica {secrets.token_hex(4)}")
    received = [listener.next_message(timeout=10)[0] for listener in listeners]
    assert len(received) == count
    assert all(message == posted for message in received), received


@when("that participant signs out through Caddy", target_fixture="signed_out_at")
def participant_signs_out_through_caddy(listeners):
    signed_out_at = time.monotonic()
    assert listeners[0].session.post("/api/auth/logout/", {}).status_code == 204
    return signed_out_at


@then(
    parsers.parse(
        'all {count:d} streams end within {seconds:d} second, on every replica, saying "{reason}"'
    )
)
def all_streams_end(listeners, signed_out_at, count, seconds, reason):
    assert len(listeners) == count
    for listener in listeners:
        kind, _, data, arrived = listener.next_event(timeout=seconds + 5)
        while kind in ("hello", "message"):
            kind, _, data, arrived = listener.next_event(timeout=seconds + 5)
        assert (kind, data["reason"]) == ("end", reason), (kind, data)
        assert arrived - signed_out_at < seconds, f"ended {arrived - signed_out_at:.2f} s after"


@when("one backend replica is killed", target_fixture="killed_replica")
def one_replica_killed(replicated):
    runtime = replicated.runtime
    name = sorted(runtime.replicas("backend"))[0]
    runtime.kill_container(name)
    return name


@then(
    parsers.parse(
        "over the next {seconds:d} s every request through Caddy answers within {limit:d} s,"
        " at most 1 in 10 with 502"
    ),
    target_fixture="after_the_kill",
)
def requests_keep_answering(replicated, seconds, limit):
    # Spread over longer than Caddy's 5 s lookup: its address is still an upstream for a while.
    outcomes, began = [], time.monotonic()
    deadline = began + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        # A new client, and so a new connection, each time: as many visitors would.
        with replicated.runtime.http_client(timeout=10) as client:
            try:
                status = client.get("/api/health/").status_code
            except httpx.HTTPError as error:
                status = type(error).__name__
        outcomes.append((status, round(started - began, 2), round(time.monotonic() - started, 2)))
        time.sleep(0.25)
    slowest = max(took for _, _, took in outcomes)
    failed = sum(status != 200 for status, _, _ in outcomes)
    print(f"after the kill: {len(outcomes)} requests, {failed} not 200, slowest {slowest} s")
    assert {status for status, _, _ in outcomes} <= {200, 502}, outcomes
    assert failed * 10 <= len(outcomes), outcomes
    assert slowest < limit, outcomes
    return outcomes


@then(parsers.parse("every request from {seconds:d} s after the kill on succeeds"))
def requests_succeed_after(after_the_kill, seconds):
    late = [(status, at) for status, at, _ in after_the_kill if at >= seconds]
    assert late and {status for status, _ in late} == {200}, after_the_kill
