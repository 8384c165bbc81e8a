"""The acceptance suite: features/ run as pytest-bdd scenarios against one stack per session.

Modes:
- local (default): starts the backend and Caddy on free loopback ports, with a fresh database
  and the demo keys, and stops them at the end (also when a test fails or the run is stopped).
- --base-url URL: an already-deployed stack. Only @smoke scenarios run, unless
  --allow-destructive is given; URLs matching --sensitive-url (the production domains by
  default) refuse destructive scenarios outright. Smoke keys come from IC_SMOKE_CIRCLE,
  IC_SMOKE_FACILITATOR_KEY and IC_SMOKE_PARTICIPANT_KEY.
- --stack compose: the three containers, built offline and started by testcontainers'
  DockerCompose on a project name of their own (compose_stack.py), always taken down at the end;
  when a scenario failed, every container's log is saved to reports/. Needs a Docker engine,
  the compose plugin and the offline base images (`make images-offline`); without them the run
  stops and says which is missing. @compose scenarios run only in this mode.

Shared steps live in tests/acceptance/steps/ and are imported here, never from a test module.
"""

import os
import re
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import pytest

from acceptance.compose_stack import EngineUnavailable, check_engine
from acceptance.report import write_html
from acceptance.stack import (
    StackUnavailable,
    remote_stack,
    start_compose_stack,
    start_local_stack,
)
from acceptance.steps.browser_steps import *  # noqa: F403
from acceptance.steps.container_steps import *  # noqa: F403
from acceptance.steps.everyone_steps import *  # noqa: F403
from acceptance.steps.guarantee_steps import *  # noqa: F403
from acceptance.steps.handoff_steps import *  # noqa: F403
from acceptance.steps.http_steps import *  # noqa: F403
from acceptance.steps.live_steps import *  # noqa: F403
from acceptance.steps.operations_steps import *  # noqa: F403
from acceptance.steps.production_steps import *  # noqa: F403
from acceptance.steps.replica_steps import *  # noqa: F403
from acceptance.steps.repository_steps import *  # noqa: F403
from acceptance.steps.rhythm_steps import *  # noqa: F403
from acceptance.steps.video_steps import *  # noqa: F403
from acceptance.steps.voice_steps import *  # noqa: F403
from support import modes, paths, postgres
from support.jitsi_standin import JitsiStandIn
from support.selection import deselect

DEFAULT_SENSITIVE = r"(^|[/.])catbench\.com"
MILESTONE = re.compile(r"m(\d+)")


def pytest_addoption(parser):
    group = parser.getgroup("acceptance")
    group.addoption(
        "--stack",
        choices=["local", "compose"],
        default="local",
        help="Which stack to start when no --base-url is given: local processes (default) or "
        "the compose containers.",
    )
    group.addoption(
        "--allow-destructive",
        action="store_true",
        help="With --base-url: also run scenarios that are not @smoke.",
    )
    group.addoption(
        "--sensitive-url",
        default=DEFAULT_SENSITIVE,
        help="Regex of URLs that never get destructive scenarios (default: production domains).",
    )


def _is_sensitive(config):
    base_url = config.getoption("base_url")
    return bool(base_url and re.search(config.getoption("sensitive_url"), base_url))


def pytest_collection_modifyitems(config, items):
    base_url = config.getoption("base_url")
    if not base_url:
        _keep_scenarios_this_stack_can_run(config, items)
        return
    sensitive = _is_sensitive(config)
    if sensitive and config.getoption("allow_destructive"):
        raise pytest.UsageError(
            f"{base_url} matches the sensitive pattern {config.getoption('sensitive_url')!r}: "
            "destructive scenarios are never run against it."
        )
    keep, drop = [], []
    for item in items:
        smoke = item.get_closest_marker("smoke") is not None
        destructive = item.get_closest_marker("destructive") is not None
        runnable = smoke or config.getoption("allow_destructive")
        (keep if runnable and not (destructive and sensitive) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _keep_scenarios_this_stack_can_run(config, items):
    """@compose scenarios act on containers: other modes leave them out. @sqlite ones are about
    SQLite itself: a stack on PostgreSQL leaves them out. @postgresql ones need a PostgreSQL
    server: without one they are left out, except in CI, where they run and fail saying why.
    The summary says how many were left out, and why."""
    not_run = config.stash.setdefault(NOT_RUN, [])
    if config.getoption("stack") != "compose":
        deselect(config, items, "compose", not_run, "{count} @compose: they need --stack=compose")
    else:
        # The database taken away under a running backend: in the containers its workers keep
        # the SQLite file open, so making the file unreadable is not noticed (yet).
        deselect(config, items, "local", not_run, "{count} @local: they need the local stack")
    if postgres.is_postgres(os.environ.get("DATABASE_URL", "")):
        deselect(config, items, "sqlite", not_run, "{count} @sqlite: the stack is on PostgreSQL")
    if any(item.get_closest_marker("postgresql") for item in items):
        why = modes.postgres_unavailable()
        if why and os.environ.get("CI") != "true":
            deselect(config, items, "postgresql", not_run, "{count} @postgresql: " + why)


def pytest_sessionstart(session):
    """Fail fast, before any scenario, when the compose mode cannot have its engine."""
    config = session.config
    if config.getoption("stack") != "compose" or config.getoption("base_url"):
        return
    try:
        config.stash[ENGINE] = check_engine()
    except EngineUnavailable as error:
        pytest.exit(f"--stack=compose cannot run: {error}", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session")
def stack(request, jitsi_standin_domain):
    config = request.config
    base_url = config.getoption("base_url")
    if base_url:
        yield remote_stack(base_url)
        return
    mode = config.getoption("stack")
    with ExitStack() as exit_stack:
        started = time.monotonic()
        try:
            if mode == "compose":
                stack = start_compose_stack(
                    exit_stack,
                    logs_dir=REPORTS_DIR,
                    failed=lambda: request.session.testsfailed > 0,
                    jitsi_domain=jitsi_standin_domain,
                )
            else:
                stack = start_local_stack(exit_stack, jitsi_domain=jitsi_standin_domain)
        except (StackUnavailable, RuntimeError) as error:
            pytest.fail(str(error), pytrace=False)
        config.stash[STACK_START] = (mode, time.monotonic() - started)
        yield stack


@pytest.fixture(scope="session")
def jitsi_standin(request, tmp_path_factory):
    """The stand-in for the Jitsi service (which cannot be reached from tests), local mode.

    Served over HTTPS by Caddy's `tls internal` at localhost:<port>; the backend is configured
    with that domain in token mode, and the app's code runs unchanged against it.
    """
    if request.config.getoption("base_url"):
        yield None
        return
    with JitsiStandIn(tmp_path_factory.mktemp("jitsi")) as standin:
        yield standin


@pytest.fixture(scope="session")
def jitsi_standin_domain(jitsi_standin):
    """The Jitsi domain the local stack is configured with."""
    return jitsi_standin.domain if jitsi_standin else None


# Milestone summary: every run ends with M1 ✓ ... and counts.

RESULTS = pytest.StashKey[dict]()
STACK_START = pytest.StashKey[tuple]()
NOT_RUN = pytest.StashKey[list]()
ENGINE = pytest.StashKey[str]()
REPORTS_DIR = paths.REPORTS


def pytest_configure(config):
    json_path = getattr(config.option, "cucumber_json_path", None)
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    config.stash[RESULTS] = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)  # lets fixtures see how the test went
    if report.when == "call" or (report.when == "setup" and not report.passed):
        milestones = [
            int(m.group(1)) for mark in item.iter_markers() if (m := MILESTONE.fullmatch(mark.name))
        ]
        outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
        for milestone in set(milestones):
            item.config.stash[RESULTS][milestone][outcome] += 1
    return report


def pytest_terminal_summary(terminalreporter, config):
    results = config.stash.get(RESULTS, {})
    if not results:
        return
    terminalreporter.section("milestones")
    for milestone in sorted(results):
        counts = results[milestone]
        mark = "✓" if counts["failed"] == 0 and counts["passed"] else "✗"
        terminalreporter.write_line(
            f"M{milestone} {mark}  {counts['passed']} passed, {counts['failed']} failed"
            + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
        )
    if STACK_START in config.stash:
        mode, seconds = config.stash[STACK_START]
        engine = f", Docker engine {config.stash[ENGINE]}" if ENGINE in config.stash else ""
        terminalreporter.write_line(f"({mode} stack started in {seconds:.1f} s{engine})")
    for line in config.stash.get(NOT_RUN, []):
        terminalreporter.write_line(f"(not run: {line})")


def pytest_unconfigure(config):
    json_path = getattr(config.option, "cucumber_json_path", None)
    if json_path and Path(json_path).exists():
        json_path = Path(json_path)  # cucumber[-compose].json -> acceptance[-compose].html
        html_name = json_path.stem.replace("cucumber", "acceptance", 1) + ".html"
        html_path = write_html(json_path, json_path.with_name(html_name))
        print(f"\nacceptance report: {html_path}")
